package org.pgbackup.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** What operators watch: Prometheus metrics, webhook and ping notifications, and JSON logs, from {@code start}. */
class OperationsIT {
    private static final Duration BOUND = Duration.ofSeconds(90);

    @RegisterExtension
    ClusterExtension app = new ClusterExtension("app", "pete", "pete-pw", "app", 200);
    static ControllerProcess controller = ControllerProcess.fromSystemProperty();

    @TempDir
    Path root;
    @TempDir
    Path output;

    private Map<String, String> production() {
        Map<String, String> env = app.env(root);
        env.put("MODE", "production");
        env.put("DATABASES_ROOT", root.resolve("databases").toString());
        env.put("BACKUP_SCHEDULE", "*/2 * * * * *");
        return env;
    }

    private static int freePort() throws IOException {
        return Metrics.freePort();
    }

    private static String get(String url) {
        return Metrics.get(url);
    }

    private static double value(String metrics, String series) {
        return Metrics.value(metrics, series);
    }

    @Test
    void metricsMoveWithRealRunsAndCountAFailure() throws IOException {
        int port = freePort();
        Map<String, String> env = production();
        env.put("METRICS_PORT", Integer.toString(port));
        String url = "http://127.0.0.1:" + port + "/metrics";
        try (ControllerProcess.Background start = controller.start(output, env, "start")) {
            String success = "pgbackup_last_success_timestamp_seconds{service=\"app\"}";
            Waiting.until("a first success in the metrics", BOUND, () -> value(get(url), success) > 0, start::log);
            double first = value(get(url), success);
            Waiting.until("the success timestamp to advance", BOUND, () -> value(get(url), success) > first,
                    start::log);
            String metrics = get(url);
            assertThat(value(metrics, "pgbackup_runs_total{result=\"ok\",service=\"app\"}")).isGreaterThanOrEqualTo(2);
            double lastSize = value(metrics, "pgbackup_last_size_bytes{service=\"app\"}");
            try (var archives = Files.list(root.resolve("data/app"))) {
                assertThat(archives.filter(p -> p.getFileName().toString().endsWith(".dump.zst")).map(p -> {
                    try {
                        return (double) Files.size(p);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                })).as("the last size is the size of an archive on disk").contains(lastSize);
            }
            assertThat(value(metrics, "pgbackup_last_duration_seconds{service=\"app\"}")).isGreaterThan(0);
            assertThat(value(metrics, "pgbackup_archives{destination=\"local\",service=\"app\"}"))
                    .isGreaterThanOrEqualTo(2);

            app.cluster().stop();
            String failed = "pgbackup_runs_total{result=\"failed\",service=\"app\"}";
            Waiting.until("a failure counted", BOUND, () -> value(get(url), failed) >= 1, start::log);
            start.terminate();
            start.waitFor(BOUND);
        } finally {
            if (!app.cluster().running()) {
                app.cluster().start();
            }
        }
    }

    @Test
    void webhookAndPingsTellOfASuccessAndAFailure() throws IOException {
        try (HttpRecorder receiver = new HttpRecorder()) {
            Map<String, String> env = production();
            env.put("DATABASE_LIST", "app,gone");
            env.put("GONE_POSTGRES_HOST", "127.0.0.1");
            env.put("GONE_POSTGRES_PORT", Integer.toString(freePort()));
            env.put("NOTIFY_WEBHOOK_URL", receiver.url("/hook/secret-token"));
            env.put("NOTIFY_ON", "all");
            env.put("HEALTHCHECK_PING_URL", receiver.url("/ping/uuid"));
            try (ControllerProcess.Background start = controller.start(output, env, "start")) {
                Waiting.until("a whole run's notifications", BOUND,
                        () -> receiver.requests.contains("GET /ping/uuid/fail"), start::log);
                start.terminate();
                start.waitFor(BOUND);
                assertThat(start.log()).doesNotContain("secret-token").contains("NOTIFY_WEBHOOK_URL=****");
            }
            List<String> requests = receiver.requests;
            assertThat(requests.get(0)).isEqualTo("GET /ping/uuid/start");
            assertThat(requests).anySatisfy(r -> assertThat(r).startsWith("POST /hook/secret-token {")
                    .contains("\"event\":\"backup.succeeded\"").contains("\"service\":\"app\"")
                    .contains("\"archive\":\"file_"));
            assertThat(requests).anySatisfy(r -> assertThat(r).startsWith("POST /hook/secret-token {")
                    .contains("\"event\":\"backup.failed\"").contains("\"service\":\"gone\"")
                    .contains("Cannot connect to service 'gone'"));
            assertThat(requests.indexOf("GET /ping/uuid/fail")).isGreaterThan(0);
        }
    }

    @Test
    void aWholeServerRunWithOneFailedDatabaseCountsAsFailedInMetricsWebhookAndPing() throws IOException {
        app.cluster().psql("postgres", """
                CREATE ROLE reader LOGIN PASSWORD 'reader-pw';
                GRANT pg_read_all_data TO reader;
                CREATE DATABASE secret;
                REVOKE CONNECT ON DATABASE secret FROM PUBLIC;
                """);
        int port = freePort();
        try (HttpRecorder receiver = new HttpRecorder()) {
            Map<String, String> env = production();
            env.put("APP_POSTGRES_DB", "*");
            env.put("APP_POSTGRES_USER", "reader");
            env.put("APP_POSTGRES_PASSWORD", "reader-pw");
            env.put("METRICS_PORT", Integer.toString(port));
            env.put("NOTIFY_WEBHOOK_URL", receiver.url("/hook"));
            env.put("HEALTHCHECK_PING_URL", receiver.url("/ping"));
            String failed = "pgbackup_runs_total{result=\"failed\",service=\"app\"}";
            String url = "http://127.0.0.1:" + port + "/metrics";
            try (ControllerProcess.Background start = controller.start(output, env, "start")) {
                Waiting.until("a failed whole-server run", BOUND,
                        () -> receiver.requests.contains("GET /ping/fail") && value(get(url), failed) >= 1,
                        start::log);
                start.terminate();
                start.waitFor(BOUND);
            }
            assertThat(receiver.requests).anySatisfy(r -> assertThat(r).startsWith("POST /hook {")
                    .contains("\"event\":\"backup.failed\"").contains("\"service\":\"app\"")
                    .contains("1 of the 3 databases of service 'app' failed").contains("'secret'"));
            try (var archives = Files.list(root.resolve("data/app/app"))) {
                List<Path> stored = archives.filter(p -> p.getFileName().toString().endsWith(".dump.zst")).toList();
                assertThat(stored).isNotEmpty().allSatisfy(archive -> assertThat(
                        archive.resolveSibling(archive.getFileName() + ".manifest.json")).content()
                        .contains("\"sha256\" : \"" + Sha256Sum.of(archive) + "\""));
            }
        }
    }

    @Test
    void eachServicePingsItsOwnUrl() throws IOException {
        try (HttpRecorder receiver = new HttpRecorder()) {
            Map<String, String> env = production();
            env.put("DATABASE_LIST", "app,gone");
            env.put("GONE_POSTGRES_HOST", "127.0.0.1");
            env.put("GONE_POSTGRES_PORT", Integer.toString(freePort()));
            env.put("APP_HEALTHCHECK_PING_URL", receiver.url("/ping/app-uuid"));
            env.put("GONE_HEALTHCHECK_PING_URL", receiver.url("/ping/gone-uuid"));
            try (ControllerProcess.Background start = controller.start(output, env, "start")) {
                Waiting.until("both services' pings", BOUND, () -> receiver.requests.contains("GET /ping/app-uuid")
                        && receiver.requests.contains("GET /ping/gone-uuid/fail"), start::log);
                start.terminate();
                start.waitFor(BOUND);
                assertThat(start.log()).doesNotContain("app-uuid").contains("APP_HEALTHCHECK_PING_URL=****");
            }
            List<String> requests = receiver.requests;
            assertThat(requests.indexOf("GET /ping/app-uuid/start")).isNotNegative()
                    .isLessThan(requests.indexOf("GET /ping/app-uuid"));
            assertThat(requests.indexOf("GET /ping/gone-uuid/start")).isNotNegative()
                    .isLessThan(requests.indexOf("GET /ping/gone-uuid/fail"));
            assertThat(requests).doesNotContain("GET /ping/app-uuid/fail", "GET /ping/gone-uuid");
        }
    }

    @Test
    void scheduledDrillsReachTheMetricsAndTheWebhookBothWays() throws IOException {
        int port = freePort();
        String url = "http://127.0.0.1:" + port + "/metrics";
        try (HttpRecorder receiver = new HttpRecorder()) {
            Map<String, String> env = production();
            // The same server twice: "copy" drills on a server that is down.
            env.putAll(app.cluster().serviceEnvironment("copy"));
            env.put("DATABASE_LIST", "app,copy");
            env.put("COPY_DRILL_HOST", "127.0.0.1");
            env.put("COPY_DRILL_PORT", Integer.toString(freePort()));
            env.put("BACKUP_SCHEDULE", "*/3 * * * * *");
            env.put("DRILL_SCHEDULE", "1/3 * * * * *");
            env.put("METRICS_PORT", Integer.toString(port));
            env.put("NOTIFY_WEBHOOK_URL", receiver.url("/hook"));
            env.put("NOTIFY_ON", "all");
            String passed = "pgbackup_drills_total{result=\"ok\",service=\"app\"}";
            String failed = "pgbackup_drills_total{result=\"failed\",service=\"copy\"}";
            try (ControllerProcess.Background start = controller.start(output, env, "start")) {
                Waiting.until("a good drill of app and a failed one of copy", BOUND,
                        () -> value(get(url), passed) >= 1 && value(get(url), failed) >= 1, start::log);
                String metrics = get(url);
                assertThat(value(metrics, "pgbackup_last_drill_success_timestamp_seconds{service=\"app\"}"))
                        .isGreaterThan(1.7e9);
                assertThat(value(metrics, "pgbackup_last_drill_success_timestamp_seconds{service=\"copy\"}"))
                        .isEqualTo(-1);
                Waiting.until("the drill events", BOUND, () -> receiver.requests.stream().anyMatch(
                        r -> r.contains("\"event\":\"drill.failed\"") && r.contains("cannot connect to the drill"))
                        && receiver.requests.stream().anyMatch(r -> r.contains("\"event\":\"drill.succeeded\"")),
                        start::log);
                start.terminate();
                start.waitFor(BOUND);
            }
            assertThat(receiver.requests).anySatisfy(r -> assertThat(r).contains("\"event\":\"drill.succeeded\"")
                    .contains("\"service\":\"app\"").contains("\"tables\":2"));
            assertThat(receiver.requests).anySatisfy(r -> assertThat(r).contains("\"event\":\"drill.failed\"")
                    .contains("\"service\":\"copy\"").contains("cannot connect to the drill server"));
            assertThat(receiver.requests).noneSatisfy(r -> assertThat(r).contains("\"event\":\"backup.failed\""));
        }
    }

    @Test
    void aFailingNotificationNeverFailsTheBackup() throws IOException {
        Map<String, String> env = production();
        env.put("NOTIFY_WEBHOOK_URL", "http://127.0.0.1:" + freePort() + "/down");
        env.put("NOTIFY_ON", "all");
        try (ControllerProcess.Background start = controller.start(output, env, "start")) {
            Waiting.until("a successful run despite the webhook", BOUND,
                    () -> start.log().contains("result=ok") && start.log().contains("Notifying generic+http://127.0.0.1:")
                            && start.log().contains("failed: the webhook was not reached"),
                    start::log);
            start.terminate();
            start.waitFor(BOUND);
        }
    }

    @Test
    void jsonLogsAreOneObjectPerLineWithTheService() throws IOException {
        Map<String, String> env = app.env(root);
        env.put("LOG_FORMAT", "json");
        env.put("DATABASE_LIST", "app,gone");
        env.put("GONE_POSTGRES_HOST", "127.0.0.1");
        env.put("GONE_POSTGRES_PORT", Integer.toString(freePort()));

        ControllerProcess.Run run = controller.run(env, "dump", "--all");

        assertThat(run.exitCode()).isEqualTo(1);
        List<String> lines = run.stderr().lines().toList();
        assertThat(lines).isNotEmpty().allSatisfy(line -> assertThat(line).matches("\\{\"time\":\"[^\"]+\","
                + "\"level\":\"(INFO|WARN|ERROR|DEBUG)\",(\"service\":\"[^\"]+\",)?\"message\":.*\\}"));
        JsonLines.assertEachLineIsOneObject(lines);
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("\"service\":\"app\"").contains("stored"));
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("\"level\":\"ERROR\"").contains("gone"));
    }
}
