package org.pgbackup.internal.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pgbackup.spi.channel.Channel;
import org.pgbackup.spi.channel.ChannelProvider;
import org.pgbackup.spi.channel.ChannelUrl;
import org.pgbackup.spi.channel.Notice;

/**
 * Each chat channel against a local receiver, checked against the service's documented API:
 * method, path, content type and the exact JSON body that API takes.
 */
class ChatChannelsTest {
    private static final Notice FAILED = new Notice("backup.failed", "orders", Instant.parse("2026-12-05T03:00:02Z"),
            true, "Backup of 'orders' failed", "Error: \"disk full\"\nWhere to look: the log", "{\"event\":\"x\"}");
    private static final Notice SUCCEEDED = new Notice("backup.succeeded", "orders",
            Instant.parse("2026-12-05T03:00:02Z"), false, "Backup of 'orders' succeeded", "Stored.", "{\"event\":\"y\"}");

    private static Channel open(ChannelProvider provider, String url) {
        ChannelUrl parsed = ChannelUrl.parse(url);
        assertThat(provider.validate(parsed)).isEmpty();
        return provider.open(parsed);
    }

    private static void assertJsonPost(Receiver.Request request, String pathAndQuery, String body) {
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.pathAndQuery()).isEqualTo(pathAndQuery);
        assertThat(request.header("Content-Type")).startsWith("application/json");
        assertThat(request.body()).isEqualTo(body);
    }

    @Test
    void slackGetsAnIncomingWebhookPostWithMrkdwnText() throws IOException {
        try (Receiver slack = new Receiver()) {
            open(new SlackChannels(), "slack://T0AAA/B0BBB/XyZ123?scheme=http&host=" + slack.hostAndPort())
                    .send(FAILED);
            assertThat(slack.requests).hasSize(1);
            assertJsonPost(slack.requests.get(0), "/services/T0AAA/B0BBB/XyZ123",
                    "{\"text\":\"*Backup of 'orders' failed*\\nError: \\\"disk full\\\"\\nWhere to look: the log\"}");
        }
    }

    @Test
    void discordGetsAnExecuteWebhookPostAndItsNoContentAnswerIsSuccess() throws IOException {
        try (Receiver discord = new Receiver().answering(204, "")) {
            open(new DiscordChannels(), "discord://t0k3n@112233?username=pgbackup&scheme=http&host="
                    + discord.hostAndPort()).send(FAILED);
            assertJsonPost(discord.requests.get(0), "/api/webhooks/112233/t0k3n", "{\"content\":\"**Backup of"
                    + " 'orders' failed**\\nError: \\\"disk full\\\"\\nWhere to look: the log\",\"username\":\"pgbackup\"}");
        }
    }

    @Test
    void telegramSendsOneMessageToEachChat() throws IOException {
        try (Receiver telegram = new Receiver().answering(200, "{\"ok\":true}")) {
            open(new TelegramChannels(), "telegram://123456:ABC-def@telegram?chats=@ops,-1001234&scheme=http&host="
                    + telegram.hostAndPort()).send(SUCCEEDED);
            assertThat(telegram.requests).hasSize(2);
            assertJsonPost(telegram.requests.get(0), "/bot123456:ABC-def/sendMessage",
                    "{\"chat_id\":\"@ops\",\"text\":\"Backup of 'orders' succeeded\\n\\nStored.\"}");
            assertJsonPost(telegram.requests.get(1), "/bot123456:ABC-def/sendMessage",
                    "{\"chat_id\":\"-1001234\",\"text\":\"Backup of 'orders' succeeded\\n\\nStored.\"}");
        }
    }

    @Test
    void teamsGetsAWorkflowMessageWithAnAdaptiveCardAndKeepsTheSignature() throws IOException {
        try (Receiver teams = new Receiver().answering(202, "")) {
            open(new TeamsChannels(), "teams://" + teams.hostAndPort() + "/workflows/abc/triggers/manual/paths/invoke"
                    + "?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sig=S1g&scheme=http").send(FAILED);
            assertJsonPost(teams.requests.get(0), "/workflows/abc/triggers/manual/paths/invoke"
                    + "?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sig=S1g",
                    "{\"type\":\"message\",\"attachments\":[{\"contentType\":\"application/vnd.microsoft.card.adaptive\","
                    + "\"content\":{\"$schema\":\"http://adaptivecards.io/schemas/adaptive-card.json\","
                    + "\"type\":\"AdaptiveCard\",\"version\":\"1.4\",\"body\":["
                    + "{\"type\":\"TextBlock\",\"text\":\"Backup of 'orders' failed\",\"weight\":\"Bolder\","
                    + "\"size\":\"Medium\",\"color\":\"Attention\",\"wrap\":true},"
                    + "{\"type\":\"TextBlock\",\"text\":\"Error: \\\"disk full\\\"\\nWhere to look: the log\","
                    + "\"wrap\":true}]}}]}");
        }
    }

    @Test
    void ntfyGetsAJsonPublishWithPriorityAndTheTokenInAHeader() throws IOException {
        try (Receiver ntfy = new Receiver()) {
            open(new NtfyChannels(), "ntfy://" + ntfy.hostAndPort() + "/backups?token=tk_abc&scheme=http").send(FAILED);
            assertJsonPost(ntfy.requests.get(0), "/", "{\"topic\":\"backups\",\"title\":\"Backup of 'orders' failed\","
                    + "\"message\":\"Error: \\\"disk full\\\"\\nWhere to look: the log\",\"priority\":4,"
                    + "\"tags\":[\"warning\"]}");
            assertThat(ntfy.requests.get(0).header("Authorization")).isEqualTo("Bearer tk_abc");
            open(new NtfyChannels(), "ntfy://bob:pa%3Ass@" + ntfy.hostAndPort() + "/backups?scheme=http")
                    .send(SUCCEEDED);
            assertThat(ntfy.requests.get(1).header("Authorization")).isEqualTo("Basic Ym9iOnBhOnNz");
            assertThat(ntfy.requests.get(1).body()).contains("\"priority\":3", "\"tags\":[\"white_check_mark\"]");
        }
    }

    @Test
    void theGenericWebhookGetsTheNoticesJsonAtItsOwnUrl() throws IOException {
        try (Receiver hook = new Receiver()) {
            open(new WebhookChannels(), "generic+http://" + hook.hostAndPort() + "/hook/s3cret?team=db").send(FAILED);
            assertJsonPost(hook.requests.get(0), "/hook/s3cret?team=db", FAILED.json());
        }
    }

    @Test
    void anAnswerOtherThan2xxIsAFailureThatQuotesTheAnswerNotTheUrl() throws IOException {
        try (Receiver slack = new Receiver().answering(500, "internal_error")) {
            Channel channel = open(new SlackChannels(), "slack://T0/B0/S3CRET?scheme=http&host=" + slack.hostAndPort());
            assertThatThrownBy(() -> channel.send(FAILED)).isInstanceOf(IOException.class)
                    .hasMessage("Slack answered 500: internal_error");
        }
    }

    @Test
    void tokensNeverCrossTheNetworkInClearNorShowInMaskedUrls() {
        assertThat(new SlackChannels().validate(ChannelUrl.parse("slack://T0/B0/S3CRET?scheme=http&host=10.0.0.5:80")))
                .containsExactly("?scheme=http is only for a relay on this host (?host=127.0.0.1:<port>): the URL's"
                        + " token would cross the network in clear");
        assertThat(new TeamsChannels().validate(ChannelUrl.parse("teams://example.com/workflows/a?scheme=http")))
                .hasSize(1);
        assertThat(new SlackChannels().validate(ChannelUrl.parse("slack://T0/B0"))).hasSize(1);
        assertThat(new TelegramChannels().validate(ChannelUrl.parse("telegram://123:ABC@telegram")))
                .containsExactly("say which chats to write to: ?chats=<chat id or @channel>,…");
        List<String> masked = List.of(
                new SlackChannels().masked(ChannelUrl.parse("slack://T0/B0/S3CRET")),
                new DiscordChannels().masked(ChannelUrl.parse("discord://S3CRET@112233")),
                new TelegramChannels().masked(ChannelUrl.parse("telegram://1:S3CRET@telegram?chats=1")),
                new TeamsChannels().masked(ChannelUrl.parse("teams://x.logic.azure.com/workflows/a?sig=S3CRET")),
                new NtfyChannels().masked(ChannelUrl.parse("ntfy://u:S3CRET@ntfy.sh/S3CRET")),
                new WebhookChannels().masked(ChannelUrl.parse("generic+https://hooks.example.com/S3CRET")));
        assertThat(masked).containsExactly("slack://****", "discord://****", "telegram://****@telegram",
                "teams://x.logic.azure.com/****", "ntfy://****@ntfy.sh/****", "generic+https://hooks.example.com/****");
    }
}
