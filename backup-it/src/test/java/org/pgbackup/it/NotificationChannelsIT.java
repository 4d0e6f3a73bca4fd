package org.pgbackup.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.pgbackup.notify.smtp.MailServer;
import org.pgbackup.notify.smtp.TestCertificate;

/**
 * {@code NOTIFY_URLS} end to end: {@code start} with a service that backs up and one that fails,
 * every kind of channel pointed at a real receiver (an SMTP server with STARTTLS and a login in
 * this JVM, local HTTP servers for the chat services), and some channels broken on purpose.
 */
class NotificationChannelsIT {
    private static final Duration BOUND = Duration.ofSeconds(120);

    @RegisterExtension
    ClusterExtension app = new ClusterExtension("app", "pete", "pete-pw", "app", 100);

    @TempDir
    static Path certificates;
    static TestCertificate certificate;

    @TempDir
    Path root;
    @TempDir
    Path output;

    @BeforeAll
    static void makeCertificate() throws Exception {
        certificate = TestCertificate.create(certificates);
    }

    /** A local HTTP server for one chat service: it keeps each request and answers with one status. */
    private static final class Receiver implements AutoCloseable {
        record Request(String method, String target, String contentType, String authorization, String body) {
        }

        final List<Request> requests = new CopyOnWriteArrayList<>();
        final HttpServer server;

        Receiver(int status) throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/", exchange -> {
                String query = exchange.getRequestURI().getRawQuery();
                requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath()
                        + (query == null ? "" : "?" + query), exchange.getRequestHeaders().getFirst("Content-Type"),
                        exchange.getRequestHeaders().getFirst("Authorization"),
                        new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
                exchange.sendResponseHeaders(status, -1);
                exchange.close();
            });
            server.start();
        }

        String host() {
            return "127.0.0.1:" + server.getAddress().getPort();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    @Test
    void everyChannelHearsOfAFailureAsItsServiceDocumentsItAndBrokenChannelsNeverFailTheBackup()
            throws Exception {
        int metricsPort = Metrics.freePort();
        int down = Metrics.freePort();
        try (MailServer mail = MailServer.startTls(certificate, "backups", "mail-pw-7");
                Receiver slack = new Receiver(200); Receiver brokenSlack = new Receiver(500);
                Receiver discord = new Receiver(204); Receiver telegram = new Receiver(200);
                Receiver teams = new Receiver(202); Receiver ntfy = new Receiver(200);
                Receiver hook = new Receiver(200)) {
            Map<String, String> env = app.env(root);
            env.put("MODE", "production");
            env.put("DATABASES_ROOT", root.resolve("databases").toString());
            env.put("BACKUP_SCHEDULE", "*/3 * * * * *");
            env.put("METRICS_PORT", Integer.toString(metricsPort));
            env.put("DATABASE_LIST", "app,gone");
            env.put("GONE_POSTGRES_HOST", "127.0.0.1");
            env.put("GONE_POSTGRES_PORT", Integer.toString(down));
            env.put("NOTIFY_URLS", String.join(",",
                    "smtp://backups:mail-pw-7@localhost:" + mail.port()
                            + "/?from=backups@example.com&to=ops@example.com,dba@example.com",
                    "smtp://backups:wrong-pw-9@localhost:" + mail.port() + "/?from=b@example.com&to=o@example.com",
                    "smtp://localhost:" + down + "/?from=b@example.com&to=o@example.com",
                    "slack://T0SLACK/B0SLACK/slack-token-1?scheme=http&host=" + slack.host(),
                    "slack://T0/B0/slack-token-2?scheme=http&host=" + brokenSlack.host(),
                    "discord://discord-token-3@4455?scheme=http&host=" + discord.host()
                            + "&events=backup.succeeded",
                    "telegram://123:telegram-token-4@telegram?chats=@ops&scheme=http&host=" + telegram.host(),
                    "teams://" + teams.host() + "/workflows/w1/triggers/manual/paths/invoke?api-version=2016-06-01"
                            + "&sig=teams-sig-5&scheme=http",
                    "ntfy://" + ntfy.host() + "/backups?token=ntfy-token-6&scheme=http",
                    "generic+http://" + hook.host() + "/hook?events=all"));
            String metrics = "http://127.0.0.1:" + metricsPort + "/metrics";
            ControllerProcess controller = ControllerProcess.fromSystemProperty()
                    .withJvmOptions(certificate.trustOptions().toArray(String[]::new));
            String log;
            try (ControllerProcess.Background start = controller.start(output, env, "start")) {
                Waiting.until("every channel's first notice", BOUND, () -> !mail.received().isEmpty()
                        && !slack.requests.isEmpty() && !discord.requests.isEmpty() && !telegram.requests.isEmpty()
                        && !teams.requests.isEmpty() && !ntfy.requests.isEmpty() && hook.requests.size() >= 2
                        && Metrics.value(Metrics.get(metrics), "pgbackup_notifications_total{channel=\"smtp\","
                                + "result=\"failed\"}") >= 2
                        && Metrics.value(Metrics.get(metrics), "pgbackup_notifications_total{channel=\"slack\","
                                + "result=\"failed\"}") >= 1, start::log);
                String scraped = Metrics.get(metrics);
                assertThat(Metrics.value(scraped, "pgbackup_runs_total{result=\"ok\",service=\"app\"}"))
                        .as("the backup stands whatever its channels do").isGreaterThanOrEqualTo(1);
                assertThat(Metrics.value(scraped, "pgbackup_notifications_total{channel=\"smtp\",result=\"ok\"}"))
                        .isGreaterThanOrEqualTo(1);
                assertThat(Metrics.value(scraped, "pgbackup_notifications_total{channel=\"slack\",result=\"ok\"}"))
                        .isGreaterThanOrEqualTo(1);
                start.terminate();
                assertThat(start.waitFor(BOUND)).as("it stops when asked").isNotEqualTo(-1);
                log = start.log();
            }

            MimeMessage first = mail.received().get(0);
            assertThat(first.getSubject()).isEqualTo("[pgbackup] Backup of 'gone' failed");
            assertThat(first.getFrom()[0].toString()).isEqualTo("backups@example.com");
            assertThat(first.getAllRecipients()).extracting(Object::toString)
                    .containsExactly("ops@example.com", "dba@example.com");
            assertThat(((String) first.getContent()).replace("\r\n", "\n"))
                    .startsWith("The dump of 'gone' failed after ")
                    .contains("nothing new was stored, and the archives already stored are kept.\n"
                            + "Error: Cannot connect to service 'gone'")
                    .contains("'controller list gone' shows the newest archive.")
                    .contains("\n-- \nService: gone\nEvent: backup.failed\n");
            assertThat(mail.logins()).contains("backups").doesNotContain("");

            // Failures only by default: the successes of app reach none of these.
            for (Receiver receiver : List.of(slack, telegram, teams, ntfy)) {
                assertThat(receiver.requests).allSatisfy(request -> {
                    assertThat(request.method()).isEqualTo("POST");
                    assertThat(request.contentType()).startsWith("application/json");
                    assertThat(request.body()).contains("Backup of 'gone' failed").doesNotContain("'app'");
                });
            }
            assertThat(slack.requests.get(0).target()).isEqualTo("/services/T0SLACK/B0SLACK/slack-token-1");
            assertThat(slack.requests.get(0).body()).startsWith("{\"text\":\"*Backup of 'gone' failed*\\nThe dump"
                    + " of 'gone' failed after ");
            assertThat(telegram.requests.get(0).target()).isEqualTo("/bot123:telegram-token-4/sendMessage");
            assertThat(telegram.requests.get(0).body()).startsWith("{\"chat_id\":\"@ops\",\"text\":\"Backup of 'gone'"
                    + " failed\\n\\nThe dump of");
            assertThat(teams.requests.get(0).target()).isEqualTo("/workflows/w1/triggers/manual/paths/invoke"
                    + "?api-version=2016-06-01&sig=teams-sig-5");
            assertThat(teams.requests.get(0).body()).startsWith("{\"type\":\"message\",\"attachments\":[{\"contentType\":"
                    + "\"application/vnd.microsoft.card.adaptive\",\"content\":{").contains("\"type\":\"AdaptiveCard\"");
            assertThat(ntfy.requests.get(0).target()).isEqualTo("/");
            assertThat(ntfy.requests.get(0).authorization()).isEqualTo("Bearer ntfy-token-6");
            assertThat(ntfy.requests.get(0).body()).startsWith("{\"topic\":\"backups\",\"title\":\"Backup of 'gone'"
                    + " failed\"").contains("\"priority\":4");
            // Discord asked for successes only.
            assertThat(discord.requests).allSatisfy(request -> {
                assertThat(request.target()).isEqualTo("/api/webhooks/4455/discord-token-3");
                assertThat(request.body()).startsWith("{\"content\":\"**Backup of 'app' succeeded**\\nfile_");
            });
            // The generic webhook asked for everything, and gets the JSON events of old.
            assertThat(hook.requests).anySatisfy(request -> assertThat(request.body())
                    .contains("\"event\":\"backup.succeeded\"", "\"service\":\"app\"", "\"archive\":\"file_"));
            assertThat(hook.requests).anySatisfy(request -> assertThat(request.body())
                    .contains("\"event\":\"backup.failed\"", "\"service\":\"gone\"", "\"error\":\"Cannot connect"));

            assertThat(log).contains("Notifying smtp://backups:****@localhost:" + mail.port() + " of backup.failed"
                    + " for 'gone' failed: the SMTP server localhost:" + mail.port() + " refused the login of"
                    + " 'backups'");
            assertThat(log).contains("Notifying slack://**** of backup.failed for 'gone' failed: Slack answered 500");
            assertThat(log).contains("NOTIFY_URLS=****");
            for (String secret : List.of("mail-pw-7", "wrong-pw-9", "slack-token-1", "slack-token-2",
                    "discord-token-3", "telegram-token-4", "teams-sig-5", "ntfy-token-6")) {
                assertThat(log).as("the log never shows a channel's secret").doesNotContain(secret);
            }
        }
    }

    @Test
    void aTypoInAChannelsSchemeStopsStartWithTheUrlMasked() {
        Map<String, String> env = app.env(root);
        env.put("MODE", "production");
        env.put("DATABASES_ROOT", root.resolve("databases").toString());
        env.put("NOTIFY_URLS", "ntfy://ntfy.sh/backups,slakc://T0/B0/typo-token-8");
        ControllerProcess.Run run = ControllerProcess.fromSystemProperty().run(env, "start");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errorLines()).containsExactly("error: Invalid value for NOTIFY_URLS entry 2 (slakc://****): no"
                + " notification channel has the scheme 'slakc'; use one of discord, generic+http, generic+https,"
                + " ntfy, slack, smtp, smtps, teams, telegram");
        assertThat(run.output()).doesNotContain("typo-token-8");
    }
}
