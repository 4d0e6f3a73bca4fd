package org.pgbackup.it.container;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.model.Capability;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.pgbackup.it.JsonLines;
import org.pgbackup.it.Waiting;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.output.OutputFrame;
import org.testcontainers.containers.startupcheck.OneShotStartupCheckStrategy;
import org.testcontainers.utility.DockerImageName;

/**
 * The specification's contract, on a real engine: the built image beside two PostgreSQL
 * containers with their own credentials, reached by service name on a user-defined network,
 * with the specification's mount points on engine-created named volumes.
 */
@ExtendWith(ContainerEngine.class)
class ContainerContractIT {
    static final String DATA = "/var/lib/postgresql/backup/data/";
    static final String SHARED = "/var/lib/postgresql/backup/shared";

    @RegisterExtension
    static final Lab lab = new Lab();
    static Pg users;
    static Pg orders;
    static String usersBackup;
    static String ordersBackup;
    static String shared;

    @BeforeAll
    static void servers() {
        users = lab.postgres("users-db", "users", "users-secret", "users", null);
        orders = lab.postgres("orders-db", "orders", "orders-secret", "orders", null);
        users.fill(3000);
        orders.fill(1500);
        usersBackup = lab.volume("users-backup");
        ordersBackup = lab.volume("orders-backup");
        shared = lab.volume("shared");
    }

    /** The controller's production environment for both services; a far-off schedule, so runs are the test's. */
    static Map<String, String> env() {
        Map<String, String> env = new HashMap<>(Map.of("DATABASE_LIST", "users-db,orders-db", "MODE", "production",
                "SERVER", "production", "BACKUP_SCHEDULE", "0 0 1 1 *", "TZ", "Europe/Berlin"));
        env.putAll(users.env("users-db"));
        env.putAll(orders.env("orders-db"));
        return env;
    }

    static Map<String, String> mounts() {
        return Map.of(usersBackup, DATA + "users-db", ordersBackup, DATA + "orders-db", shared, SHARED);
    }

    static void ok(Controller.Run run) {
        assertThat(run.exitCode()).as(run.toString()).isZero();
    }

    @Test
    void twoServicesDumpListRestoreAndVerifyAsPostgresWithPrivateFiles() {
        try (Controller controller = lab.controller("controller", env(), mounts(), c -> { })) {
            String usersBefore = users.fingerprint();
            String ordersBefore = orders.fingerprint();

            ok(controller.run("dump", "--all"));
            List<String> archives = controller.archives("users-db");
            assertThat(archives).hasSize(1);
            assertThat(controller.archives("orders-db")).hasSize(1);
            String archive = archives.get(0);
            assertThat(archive)
                    .matches("file_(daily|weekly|monthly)_\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\\.dump\\.zst");

            users.sql("DELETE FROM items WHERE id % 3 = 0; UPDATE items SET name = 'changed';"
                    + " SELECT setval('tickets', 1)");
            assertThat(users.fingerprint()).isNotEqualTo(usersBefore);
            ok(controller.run("restore", "users-db", archive));
            assertThat(users.fingerprint()).isEqualTo(usersBefore);
            assertThat(orders.fingerprint()).isEqualTo(ordersBefore);

            Controller.Run verify = controller.run("verify", "users-db");
            ok(verify);
            assertThat(verify.stdout()).contains(archive + " in local: ok");

            assertThat(controller.exec("id", "-un").stdout().strip()).isEqualTo("postgres");
            assertThat(controller.exec("id", "-u").stdout().strip()).isEqualTo("999");
            assertThat(controller.exec("stat", "-c", "%U %u", "/proc/1").stdout().strip())
                    .as("the controller's own process").isEqualTo("postgres 999");
            String dir = DATA + "users-db";
            Controller.Run modes = controller.exec("stat", "-c", "%a %u:%g %n", dir, dir + "/" + archive,
                    dir + "/" + archive + ".manifest.json", DATA + "orders-db");
            ok(modes);
            assertThat(modes.stdout().lines().toList()).containsExactly("700 999:999 " + dir,
                    "600 999:999 " + dir + "/" + archive, "600 999:999 " + dir + "/" + archive + ".manifest.json",
                    "700 999:999 " + DATA + "orders-db");
        }
    }

    @Test
    void sharedCopyMadeInOneEnvironmentRestoresInAnotherThatMountsOnlyTheSharedVolume() {
        Controller production = lab.controller("production", env(), mounts(), c -> { });
        Pg staging = lab.postgres("staging-db", "stage", "stage-secret", "stage", null);
        try {
            ok(production.run("dump", "users-db", "--shared"));
            Controller.Run files = production.exec("ls", SHARED + "/users-db");
            assertThat(files.stdout()).contains("file.dump.zst");

            Map<String, String> stagingEnv = new HashMap<>(Map.of("DATABASE_LIST", "users-db", "MODE", "production",
                    "BACKUP_SCHEDULE", "0 0 1 1 *", "USERS_DB_POSTGRES_HOST", "staging-db",
                    "USERS_DB_POSTGRES_USER", "stage", "USERS_DB_POSTGRES_PASSWORD", "stage-secret",
                    "USERS_DB_POSTGRES_DB", "stage"));
            try (Controller other = lab.controller("staging", stagingEnv, Map.of(shared, SHARED), c -> { })) {
                // Another environment has other roles: the staging user owns what it restores.
                ok(other.run("restore-from-shared", "users-db", "--no-owner"));
                assertThat(staging.fingerprint()).isEqualTo(users.fingerprint());
            }
        } finally {
            production.close();
            lab.remove(staging.container());
        }
    }

    @Test
    void hardenedRunWithReadOnlyRootNoCapabilitiesAndNoNewPrivileges() {
        try (Controller hardened = lab.controller("hardened", env(), mounts(), c -> c.withCreateContainerCmdModifier(cmd ->
                cmd.getHostConfig().withReadonlyRootfs(true).withCapDrop(Capability.ALL)
                        .withSecurityOpts(List.of("no-new-privileges")).withTmpFs(Map.of("/tmp", "rw,size=64m"))))) {
            assertThat(hardened.exec("touch", "/opt/pg-backup/x").exitCode()).as("the root is read-only").isNotZero();
            String before = orders.fingerprint();
            ok(hardened.run("dump", "orders-db"));
            String newest = hardened.archives("orders-db").get(0);
            orders.sql("TRUNCATE items");
            ok(hardened.run("restore", "orders-db", newest));
            assertThat(orders.fingerprint()).isEqualTo(before);
            ok(hardened.run("verify", "orders-db", newest));
        }
    }

    /**
     * The status page from the image: {@code curl} on the host, its header read from a file so
     * that the token is in no command line, sees both services after a dump started with the admin
     * token; without a token it gets 401.
     */
    @Test
    void theImageServesTheStatusPageAndCurlWithTheReadTokenSeesEveryService(@TempDir Path host) throws IOException {
        Map<String, String> env = env();
        env.put("METRICS_PORT", "9187");
        env.put("HTTP_READ_TOKEN", STATUS_TOKEN);
        env.put("HTTP_ADMIN_TOKEN", STATUS_ADMIN_TOKEN);
        try (Controller controller = lab.controller("status", env, mounts(), c -> c.withExposedPorts(9187))) {
            String base = "http://" + controller.container().getHost() + ":"
                    + controller.container().getMappedPort(9187);
            Path header = host.resolve("authorization");
            Files.writeString(header, "Authorization: Bearer " + STATUS_TOKEN + "\n");
            Path admin = host.resolve("admin");
            Files.writeString(admin, "Authorization: Bearer " + STATUS_ADMIN_TOKEN + "\n");
            String[] none = curl("GET", base + "/api/v1/services", null);
            assertThat(none[1]).as(none[0]).isEqualTo("401");
            Map<String, Integer> before = Map.of("users-db", controller.archives("users-db").size(), "orders-db",
                    controller.archives("orders-db").size());
            for (String service : List.of("users-db", "orders-db")) {
                String[] started = curl("POST", base + "/api/v1/services/" + service + "/dumps", admin);
                assertThat(started[1]).as(started[0]).isEqualTo("202");
                java.util.regex.Matcher href = java.util.regex.Pattern.compile("\"href\":\"(/api/v1/runs/[0-9a-f-]+)\"")
                        .matcher(started[0]);
                assertThat(href.find()).as(started[0]).isTrue();
                String runPath = base + href.group(1);
                Waiting.until("the dump of " + service + " to end", Duration.ofSeconds(90),
                        () -> !curlQuietly(runPath, header).contains("\"state\":\"running\""), controller::logs);
                String[] run = curl("GET", runPath, header);
                assertThat(run[0]).as(run[0]).contains("\"state\":\"ok\"");
                assertThat(controller.archives(service)).hasSize(before.get(service) + 1);
            }
            String[] services = curl("GET", base + "/api/v1/services", header);
            assertThat(services[1]).isEqualTo("200");
            assertThat(services[0]).contains("\"name\":\"users-db\",\"status\":\"fresh\"")
                    .contains("\"name\":\"orders-db\",\"status\":\"fresh\"");
            String[] page = curl("GET", base + "/", header);
            assertThat(page[1]).isEqualTo("200");
            assertThat(page[0]).contains(">users-db</a>", ">orders-db</a>").doesNotContain("users-secret");
        }
    }

    private static final String STATUS_TOKEN = "status-token-5c0e7d21b9a84f36";
    private static final String STATUS_ADMIN_TOKEN = "status-admin-93b1f0e6c2d74a58";

    /** {@code curl} on the host: the body and the status code. */
    private static String[] curl(String method, String url, Path header) throws IOException {
        List<String> command = new java.util.ArrayList<>(List.of("curl", "-sS", "-X", method, "-o", "-", "-w",
                "\n%{http_code}"));
        if (header != null) {
            command.addAll(List.of("-H", "@" + header));
        }
        command.add(url);
        Steps.say(String.join(" ", command));
        Process curl = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(curl.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        try {
            curl.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        int last = out.lastIndexOf('\n');
        return new String[] {out.substring(0, last), out.substring(last + 1).strip()};
    }

    private static String curlQuietly(String url, Path header) {
        try {
            return curl("GET", url, header)[0];
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * The one-shot form a Kubernetes CronJob or a host's cron runs (README, "Running once"):
     * {@code dump --all} as the container's own command, read-only root, no capabilities,
     * JSON logs. It exits 0 once both services are stored, and nothing of it runs on.
     */
    @Test
    void dumpAllAndDrillAllAsTheContainersOwnCommandExitZeroWithJsonLogsOnAReadOnlyRoot() {
        OneShot dump = oneShot("dump", "--all");
        assertThat(dump.exitCode()).as(dump.toString()).isZero();
        assertThat(dump.stdout()).contains("users-db: ", "orders-db: ", "stored in local");
        JsonLines.assertEachLineIsOneObject(dump.logs());
        assertThat(dump.logs()).anySatisfy(l -> assertThat(l).contains("\"service\":\"users-db\"").contains("stored"));

        OneShot drill = oneShot("drill", "--all");
        assertThat(drill.exitCode()).as(drill.toString()).isZero();
        JsonLines.assertEachLineIsOneObject(drill.logs());
        assertThat(drill.logs()).anySatisfy(l -> assertThat(l).contains("orders-db: dropped the scratch database"));
    }

    /** What a one-shot container printed: standard output, its JSON log lines, and how it exited. */
    private record OneShot(long exitCode, String stdout, List<String> logs) {
    }

    /** The image's own command, run once as a CronJob would: read-only root, no capabilities, JSON logs. */
    private OneShot oneShot(String... command) {
        Map<String, String> env = new HashMap<>(env());
        env.put("LOG_FORMAT", "json");
        @SuppressWarnings("resource")
        GenericContainer<?> once = new GenericContainer<>(DockerImageName.parse(ContainerEngine.CONTROLLER_IMAGE))
                .withNetwork(lab.network()).withEnv(env).withCommand(command)
                .withStartupCheckStrategy(new OneShotStartupCheckStrategy().withTimeout(Duration.ofMinutes(3)))
                .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig().withReadonlyRootfs(true)
                        .withCapDrop(Capability.ALL).withSecurityOpts(List.of("no-new-privileges"))
                        .withTmpFs(Map.of("/tmp", "rw,size=64m")));
        Lab.mount(once, mounts());
        Steps.say("docker run --rm --read-only --cap-drop ALL --tmpfs /tmp -e LOG_FORMAT=json ... "
                + ContainerEngine.CONTROLLER_IMAGE + " " + String.join(" ", command));
        try {
            once.start();
            var state = lab.client().inspectContainerCmd(once.getContainerId()).exec().getState();
            assertThat(state.getRunning()).as("nothing of it runs on").isFalse();
            List<String> logs = once.getLogs(OutputFrame.OutputType.STDERR).lines().filter(l -> !l.isBlank()).toList();
            assertThat(logs).isNotEmpty();
            return new OneShot(state.getExitCodeLong(), once.getLogs(OutputFrame.OutputType.STDOUT), logs);
        } finally {
            once.stop();
        }
    }

    @Test
    void aRootOwnedBindMountIsRefusedNamingThePathAndTheFixAndNothingIsWritten(@TempDir Path host)
            throws IOException {
        Path backup = Files.createDirectory(host.resolve("users-db"));
        try (Controller controller = lab.controller("bind", env(), Map.of(backup.toString(), DATA + "users-db",
                ordersBackup, DATA + "orders-db"), c -> { })) {
            Controller.Run dump = controller.run("dump", "users-db");
            assertThat(dump.exitCode()).as(dump.toString()).isEqualTo(1);
            assertThat(dump.stderr().lines().filter(l -> l.startsWith("error:")).toList()).singleElement().asString()
                    .contains(DATA + "users-db").contains("chown -R 999:999 " + DATA + "users-db")
                    .contains("owned by uid 0 (root)");
            try (var files = Files.list(backup)) {
                assertThat(files).as("nothing written").isEmpty();
            }
        }
    }

    @Test
    void twoControllersOnOneDataVolumeExcludeEachOtherOnAService() {
        String lockHolder = "BEGIN; LOCK TABLE items IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(600)";
        Map<String, String> scheduled = env();
        scheduled.put("BACKUP_SCHEDULE", "*/2 * * * * *");
        scheduled.put("DATABASE_LIST", "orders-db");
        Blocker blocker = Blocker.hold(orders, lockHolder);
        Controller first = lab.controller("first", scheduled, mounts(), c -> { });
        try {
            blocker.awaitWaitingDump();
            Map<String, String> impatient = env();
            impatient.put("LOCK_WAIT_SECONDS", "1");
            try (Controller second = lab.controller("second", impatient, mounts(), c -> { })) {
                Controller.Run busy = second.run("dump", "orders-db");
                assertThat(busy.exitCode()).as(busy.toString()).isEqualTo(1);
                assertThat(busy.stderr()).contains("Service 'orders-db' is busy: dump by process")
                        .contains("LOCK_WAIT_SECONDS");
            }
        } finally {
            blocker.release();
            first.close();
        }
    }
}
