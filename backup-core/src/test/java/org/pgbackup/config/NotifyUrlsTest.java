package org.pgbackup.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pgbackup.error.ConfigurationException;
import org.pgbackup.notify.NoticeEvent;
import org.pgbackup.notify.NotificationChannel;
import org.pgbackup.spi.StorageProvider;

/** {@code NOTIFY_URLS}: a comma list of channel URLs whose own values may hold commas. */
class NotifyUrlsTest {
    private static final StorageProvider LOCAL = ConfigurationBuilderTest.LOCAL;

    private static ConfigurationBuilder builder() {
        return new ConfigurationBuilder().backupRoot(Path.of("/backups")).service("app", s -> { })
                .storageProviders(List.of(LOCAL)).storage("local");
    }

    private static Configuration read(String... pairs) {
        Map<String, String> env = new java.util.HashMap<>(Map.of("DATABASE_LIST", "app", "BACKUP_ROOT", "/backups"));
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return Configuration.from(env, List.of(LOCAL));
    }

    @Test
    void urlsSplitWhereASchemeStartsAndEachKeepsItsEvents() {
        Configuration config = read("NOTIFY_URLS", "telegram://1:ABC@telegram?chats=@ops,@dba, "
                + "slack://T0/B0/C0?events=backup.succeeded,drill.failed,ntfy://ntfy.sh/backups?events=all");
        List<NotificationChannel> channels = config.notificationChannels();
        assertThat(channels).extracting(NotificationChannel::id).containsExactly("telegram", "slack", "ntfy");
        assertThat(channels.get(0).events()).isEqualTo(NoticeEvent.failures());
        assertThat(channels.get(0).events()).containsExactlyInAnyOrder(NoticeEvent.BACKUP_FAILED,
                NoticeEvent.BACKUP_INCOMPLETE, NoticeEvent.DRILL_FAILED, NoticeEvent.BASE_BACKUP_FAILED,
                NoticeEvent.WAL_FAILED);
        assertThat(channels.get(1).events()).containsExactlyInAnyOrder(NoticeEvent.BACKUP_SUCCEEDED,
                NoticeEvent.DRILL_FAILED);
        assertThat(channels.get(2).events()).containsExactlyInAnyOrder(NoticeEvent.values());
        assertThat(config.describe()).contains("NOTIFY_URLS=****").doesNotContain("ABC").doesNotContain("C0");
    }

    @Test
    void theWebhookOfOldIsAGenericChannelFirst() {
        Configuration config = read("NOTIFY_WEBHOOK_URL", "https://hooks.example.com/T0K3N", "NOTIFY_ON", "all",
                "NOTIFY_URLS", "slack://T0/B0/C0");
        assertThat(config.notificationChannels()).extracting(NotificationChannel::masked)
                .containsExactly("generic+https://hooks.example.com/****", "slack://****");
        assertThat(config.notificationChannels().get(0).events()).containsExactlyInAnyOrder(NoticeEvent.values());
        assertThat(read("NOTIFY_WEBHOOK_URL", "https://hooks.example.com/T0K3N").notificationChannels().get(0)
                .events()).isEqualTo(NoticeEvent.failures());
    }

    @Test
    void aTypoInASchemeIsAConfigurationErrorThatNamesTheUrlMasked() {
        assertThatThrownBy(() -> read("NOTIFY_URLS", "slack://T0/B0/C0,slakc://T0/B0/S3CRET"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("Invalid value for NOTIFY_URLS entry 2 (slakc://****): no notification channel has the"
                        + " scheme 'slakc'; use one of discord, generic+http, generic+https, ntfy, slack, teams,"
                        + " telegram")
                .hasMessageNotContaining("S3CRET");
        assertThatThrownBy(() -> read("NOTIFY_URLS", "ntfy://ntfy.sh/backups?events=backup.faild"))
                .hasMessageContaining("unknown event 'backup.faild' in ?events=; use backup.failed,");
    }

    @Test
    void theBuilderTakesTheSameUrls() {
        Configuration config = builder()
                .notify("discord://t0k3n@1122?events=drill.failed").build();
        assertThat(config.notificationChannels()).singleElement().satisfies(channel -> {
            assertThat(channel.id()).isEqualTo("discord");
            assertThat(channel.events()).containsExactly(NoticeEvent.DRILL_FAILED);
        });
        assertThatThrownBy(() -> builder()
                .notify("discord://nope").build()).hasMessageStartingWith("Invalid value for notify(url) #1"
                        + " (discord://****): a Discord webhook is discord://<token>@<webhook id>");
    }
}
