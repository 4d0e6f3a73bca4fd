package org.pgbackup.it.container;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The long-running container: scheduled runs, metrics and notifications from inside the
 * image, the engine's health check, and what {@code docker stop} and {@code docker kill} do
 * to a dump in progress.
 */
@ExtendWith(ContainerEngine.class)
class ContainerScheduleIT {
    static final String DATA = "/var/lib/postgresql/backup/data/";
    static final int METRICS_PORT = 9187;

    @RegisterExtension
    static final Lab lab = new Lab();
    static Pg app;

    @BeforeAll
    static void server() {
        app = lab.appServer();
    }

    static Map<String, String> env(String schedule) {
        Map<String, String> env = new HashMap<>(Map.of("DATABASE_LIST", "app-db", "MODE", "production",
                "BACKUP_SCHEDULE", schedule));
        env.putAll(app.env("app-db"));
        return env;
    }

    static void ok(Controller.Run run) {
        assertThat(run.exitCode()).as(run.toString()).isZero();
    }

    static void waitFor(String what, Duration limit, BooleanSupplier condition) {
        Instant deadline = Instant.now().plus(limit);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("Timed out after " + limit.toSeconds() + "s waiting for " + what);
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private static String scrape(Controller controller) {
        String url = "http://" + controller.container().getHost() + ":"
                + controller.container().getMappedPort(METRICS_PORT) + "/metrics";
        Steps.say("curl " + url);
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            return response.body();
        } catch (IOException e) {
            throw new AssertionError("Scraping " + url + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void startDumpsOnItsOwnAndMetricsShowStoredArchivesRightAfterStart() throws IOException {
        String backup = lab.volume("scheduled-backup");
        Map<String, String> mounts = Map.of(backup, DATA + "app-db");
        Controller first = lab.controller("first", env("0 0 1 1 *"), mounts, c -> { });
        ok(first.run("dump", "app-db"));
        String stored = first.archives("app-db").get(0);
        first.close();

        List<String> posted = Collections.synchronizedList(new ArrayList<>());
        HttpServer webhook = HttpServer.create(new InetSocketAddress("0.0.0.0", 0), 0);
        webhook.createContext("/hook", exchange -> {
            try (InputStream body = exchange.getRequestBody()) {
                posted.add(new String(body.readAllBytes(), StandardCharsets.UTF_8));
            }
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        webhook.start();
        try {
            Map<String, String> env = env("0 0 1 1 *");
            env.put("METRICS_PORT", String.valueOf(METRICS_PORT));
            Controller restarted = lab.controller("restarted", env, mounts, c -> c.withExposedPorts(METRICS_PORT));
            String metrics = scrape(restarted);
            assertThat(metrics).as("series from the archive already stored, before any run")
                    .containsPattern("pgbackup_archives\\{destination=\"local\",service=\"app-db\"} 1(\\.0)?\n")
                    .containsPattern("pgbackup_last_success_timestamp_seconds\\{service=\"app-db\"} [1-9]")
                    .containsPattern("pgbackup_last_size_bytes\\{service=\"app-db\"} [1-9]");
            restarted.close();

            env.put("BACKUP_SCHEDULE", "*/15 * * * * *");
            env.put("NOTIFY_WEBHOOK_URL", "http://host.containers.internal:" + webhook.getAddress().getPort()
                    + "/hook");
            env.put("NOTIFY_ON", "all");
            // podman names the host host.containers.internal by itself; Docker needs to be told.
            Controller scheduled = lab.controller("scheduled", env, mounts, c -> {
                c.withExposedPorts(METRICS_PORT);
                if (!EngineCli.podman()) {
                    c.withExtraHost("host.containers.internal", "host-gateway");
                }
            });
            waitFor("an archive made by the schedule", Duration.ofSeconds(90),
                    () -> scheduled.archives("app-db").size() >= 2);
            assertThat(scheduled.archives("app-db")).contains(stored);
            waitFor("the run to be counted", Duration.ofSeconds(30),
                    () -> scrape(scheduled).contains("pgbackup_runs_total{result=\"ok\",service=\"app-db\"}"));
            waitFor("the webhook", Duration.ofSeconds(30), () -> !posted.isEmpty());
            assertThat(posted.get(0)).contains("app-db");
            assertThat(scheduled.logs()).contains("app-db: run").contains("result=ok");
        } finally {
            webhook.stop(0);
        }
    }

    /** The image's HEALTHCHECK, run by the engine on demand. */
    private static Controller.Run healthCheck(Controller controller) {
        String id = controller.container().getContainerId();
        if (EngineCli.podman()) {
            EngineCli.Result run = EngineCli.run(null, Map.of(), List.of("podman", "healthcheck", "run", id));
            InspectContainerResponse inspect = lab.client().inspectContainerCmd(id).exec();
            var log = inspect.getState().getHealth().getLog();
            String output = log.isEmpty() ? "" : log.get(log.size() - 1).getOutput();
            return new Controller.Run("podman healthcheck run", run.exitCode(), run.stdout() + output, run.stderr());
        }
        // Docker runs the check on its own schedule only: run the image's HEALTHCHECK command as it would.
        List<String> test = lab.client().inspectImageCmd(ContainerEngine.CONTROLLER_IMAGE).exec().getConfig()
                .getHealthcheck().getTest();
        assertThat(test.get(0)).isEqualTo("CMD");
        return controller.exec(test.subList(1, test.size()).toArray(String[]::new));
    }

    @Test
    void healthCheckIsHealthyWithFreshArchivesAndUnhealthyNamingTheStaleService() {
        String backup = lab.volume("health-backup");
        Map<String, String> env = env("0 0 1 1 *");
        env.put("HEALTH_MAX_AGE", "1h");
        try (Controller fresh = lab.controller("fresh", env, Map.of(backup, DATA + "app-db"), c -> { })) {
            ok(fresh.run("dump", "app-db"));
            Controller.Run healthy = healthCheck(fresh);
            assertThat(healthy.exitCode()).as(healthy.toString()).isZero();
            assertThat(healthy.stdout()).contains("app-db: fresh: newest complete archive");
        }
        env.put("HEALTH_MAX_AGE", "1s");
        try (Controller stale = lab.controller("stale", env, Map.of(backup, DATA + "app-db"), c -> { })) {
            Controller.Run unhealthy = healthCheck(stale);
            assertThat(unhealthy.exitCode()).as(unhealthy.toString()).isEqualTo(1);
            assertThat(unhealthy.stdout()).contains("app-db: stale since");
        }
    }

    @Test
    void dockerStopMidDumpExitsWithinTheGraceAndLeavesNoPartialArchive() {
        String backup = lab.volume("stop-backup");
        Map<String, String> env = env("*/2 * * * * *");
        env.put("STOP_GRACE_SECONDS", "3");
        Blocker blocker = Blocker.hold(app, "BEGIN; LOCK TABLE items IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(600)");
        Controller controller = lab.controller("stopped", env, Map.of(backup, DATA + "app-db"), c -> { });
        try {
            blocker.awaitWaitingDump();
            String id = controller.container().getContainerId();
            // The engine waits the grace plus a margin, then kills (137): one that ignored the grace is killed.
            Steps.say("docker stop -t 15 " + id);
            lab.client().stopContainerCmd(id).withTimeout(15).exec();
            InspectContainerResponse.ContainerState state = lab.client().inspectContainerCmd(id).exec().getState();
            assertThat(state.getRunning()).isFalse();
            assertThat(state.getExitCodeLong()).as("stopped by the controller, not killed by the engine")
                    .isNotEqualTo(137L);
            assertThat(controller.logs()).contains("did not finish within 3s: aborting it");
        } finally {
            blocker.release();
            controller.close();
        }
        try (Controller after = lab.controller("after-stop", env("0 0 1 1 *"), Map.of(backup, DATA + "app-db"), c -> { })) {
            assertThat(after.archives("app-db")).as("no partial archive listed").isEmpty();
            assertThat(after.exec("sh", "-c", "ls -A " + DATA + "app-db").stdout().strip()).isEqualTo(".pgbackup");
        }
    }

    @Test
    void dockerKillMidDumpLeavesNoPartialArchiveAndTheStaleLockBlocksNothing() {
        String backup = lab.volume("kill-backup");
        Blocker blocker = Blocker.hold(app, "BEGIN; LOCK TABLE items IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(600)");
        Controller controller = lab.controller("killed", env("*/2 * * * * *"), Map.of(backup, DATA + "app-db"),
                c -> { });
        try {
            blocker.awaitWaitingDump();
            String id = controller.container().getContainerId();
            Steps.say("docker kill " + id);
            lab.client().killContainerCmd(id).exec();
        } finally {
            blocker.release();
        }
        controller.close();
        try (Controller next = lab.controller("next", env("0 0 1 1 *"), Map.of(backup, DATA + "app-db"), c -> { })) {
            assertThat(next.archives("app-db")).as("no partial archive listed").isEmpty();
            assertThat(next.exec("test", "-f", DATA + "app-db/.pgbackup/lock").exitCode())
                    .as("the killed controller's lock file is still there").isZero();
            ok(next.exec("env", "LOCK_WAIT_SECONDS=0", "/controller", "dump", "app-db"));
            assertThat(next.archives("app-db")).hasSize(1);
        }
    }
}
