package org.pgbackup.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.pgbackup.storage.testkit.ByteCountingProxy;

/**
 * Two controllers, each with its own volume, one calling the database {@code app} and the
 * other {@code orders}: they meet on the database's server, through its advisory lock, and
 * never dump it at once. The first controller's dump is held mid-way by a table lock the test
 * takes, so that it holds the backup lock for as long as the test needs.
 */
class AdvisoryLockIT {
    private static final Duration BOUND = Duration.ofSeconds(90);

    @RegisterExtension
    ClusterExtension app = new ClusterExtension("app", "pete", "pete-pw", "app", 100);
    final ControllerProcess controller = ControllerProcess.fromSystemProperty();

    @TempDir
    Path rootA;
    @TempDir
    Path rootB;
    @TempDir
    Path output;

    /** The second controller: the same database as service {@code orders}, on a volume of its own. */
    private Map<String, String> other(String... extra) {
        Map<String, String> env = app.env(rootB);
        env.putAll(app.cluster().serviceEnvironment("orders"));
        env.put("DATABASE_LIST", "orders");
        env.put("LOCK_WAIT_SECONDS", "2");
        for (int i = 0; i < extra.length; i += 2) {
            env.put(extra[i], extra[i + 1]);
        }
        return env;
    }

    /** A transaction that holds every table of the sample data, so that a dump that started waits mid-way. */
    private Connection holdTables() throws SQLException {
        return hold("app", "customers, sales.orders");
    }

    /** A transaction that holds the given tables of a database of the server. */
    private Connection hold(String database, String tables) throws SQLException {
        Map<String, String> env = app.cluster().serviceEnvironment("x");
        Connection connection = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + env.get("X_POSTGRES_PORT")
                + "/" + database, env.get("X_POSTGRES_USER"), env.get("X_POSTGRES_PASSWORD"));
        connection.setAutoCommit(false);
        try (Statement s = connection.createStatement()) {
            s.execute("LOCK TABLE " + tables + " IN ACCESS EXCLUSIVE MODE");
        }
        return connection;
    }

    /** How many sessions hold an advisory lock in the database, as the server reports it. */
    private int advisoryHolders() {
        return Integer.parseInt(app.cluster().psql("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
                + " AND granted").strip());
    }

    private static List<Path> archives(Path root, String service) throws IOException {
        Path directory = root.resolve("data").resolve(service);
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".dump.zst")).toList();
        }
    }

    @Test
    void aSecondControllerWaitsThenFailsNamingTheHolderAndDumpsOnceItIsFree() throws Exception {
        Connection tables = holdTables();
        try (ControllerProcess.Background first = controller.start(output, app.env(rootA), "dump", "app")) {
            Waiting.until("the first controller to hold the backup lock", BOUND, () -> advisoryHolders() == 1,
                    first::log);

            ControllerProcess.Run second = controller.run(other(), "dump", "orders");

            assertThat(second.exitCode()).as(second.output()).isEqualTo(1);
            assertThat(second.errorLines()).singleElement().satisfies(line -> assertThat(line)
                    .startsWith("error: Database 'app' at 127.0.0.1:" + app.cluster().port() + " is being backed up"
                            + " or restored by another controller: 'pg-backup-controller' from 127.0.0.1, connected"
                            + " since ")
                    .contains("holds its backup lock, and did not let go within LOCK_WAIT_SECONDS (2s). That"
                            + " controller is taking this backup, so this one stores nothing"));
            assertThat(archives(rootB, "orders")).isEmpty();

            tables.rollback();
            assertThat(first.waitFor(BOUND)).as(first.log()).isZero();
        } finally {
            tables.close();
        }
        assertThat(archives(rootA, "app")).hasSize(1);
        assertThat(advisoryHolders()).isZero();
        ControllerProcess.Run again = controller.run(other(), "dump", "orders");
        assertThat(again.exitCode()).as(again.output()).isZero();
        assertThat(archives(rootB, "orders")).hasSize(1);
    }

    @Test
    void aDumpThatFoundTheLockHeldLeavesTheSlotToTheHolderEvenWhenItFinishesWithinTheWait() throws Exception {
        Connection tables = holdTables();
        try (ControllerProcess.Background first = controller.start(Files.createDirectories(output.resolve("a")),
                app.env(rootA), "dump", "app");
                ControllerProcess.Background second = waitingSecond(first)) {
            tables.rollback();
            assertThat(first.waitFor(BOUND)).as(first.log()).isZero();
            assertThat(second.waitFor(BOUND)).as(second.log()).isEqualTo(1);
            assertThat(second.log()).contains("error: Database 'app' at 127.0.0.1:" + app.cluster().port()
                    + " was being backed up by another controller when this dump began: 'pg-backup-controller' from"
                    + " 127.0.0.1").contains("held its backup lock and has finished since. That controller took this"
                            + " slot's backup, so this one stores nothing");
        } finally {
            tables.close();
        }
        assertThat(archives(rootA, "app")).as("one archive for the slot").hasSize(1);
        assertThat(archives(rootB, "orders")).as("never a second one").isEmpty();
    }

    /** The second controller's dump, started once the first holds the lock, waiting up to a minute. */
    private ControllerProcess.Background waitingSecond(ControllerProcess.Background first) throws IOException {
        Waiting.until("the first controller to hold the backup lock", BOUND, () -> advisoryHolders() == 1, first::log);
        ControllerProcess.Background second = controller.start(Files.createDirectories(output.resolve("b")),
                other("LOCK_WAIT_SECONDS", "60"), "dump", "orders");
        // Both sessions have asked for the lock once the second shows in pg_stat_activity with it.
        Waiting.until("the second controller to find the lock held", BOUND, () -> sessions() >= 2, second::log);
        return second;
    }

    /** The controllers' sessions on the server that have asked for the backup lock. */
    private int sessions() {
        return Integer.parseInt(app.cluster().psql("SELECT count(*) FROM pg_stat_activity WHERE application_name"
                + " = 'pg-backup-controller' AND (query LIKE '%advisory_lock%' OR query LIKE '%pg_locks%')").strip());
    }

    @Test
    void aScheduledSlotFindingTheLockHeldIsSkippedNotFailedAndTheNextOneDumps() throws Exception {
        int port = Metrics.freePort();
        String metrics = "http://127.0.0.1:" + port + "/metrics";
        HttpRecorder receiver = new HttpRecorder();
        // Failures only on the webhook, skips on a channel that asks for them, and the run's ping.
        Map<String, String> scheduled = other("MODE", "production", "DATABASES_ROOT", rootB.resolve("databases")
                .toString(), "BACKUP_SCHEDULE", "*/3 * * * * *", "LOCK_WAIT_SECONDS", "1", "METRICS_PORT",
                Integer.toString(port), "NOTIFY_WEBHOOK_URL", receiver.url("/failures"), "NOTIFY_URLS",
                "generic+" + receiver.url("/skips?events=backup.skipped"), "HEALTHCHECK_PING_URL",
                receiver.url("/ping"));
        Connection tables = holdTables();
        try (receiver; ControllerProcess.Background first = controller.start(Files.createDirectories(output.resolve("a")),
                app.env(rootA), "dump", "app")) {
            Waiting.until("the first controller to hold the backup lock", BOUND, () -> advisoryHolders() == 1,
                    first::log);
            try (ControllerProcess.Background second = controller.start(Files.createDirectories(output.resolve("b")),
                    scheduled, "start")) {
                String skipped = "pgbackup_runs_total{result=\"skipped\",service=\"orders\"}";
                Waiting.until("a skipped slot", BOUND, () -> Metrics.value(Metrics.get(metrics), skipped) >= 1,
                        second::log);
                assertThat(second.log()).contains("orders: run ").contains("result=skipped: Database 'app' at")
                        .contains("'pg-backup-controller' from 127.0.0.1").doesNotContain("result=failed");
                assertThat(Metrics.value(Metrics.get(metrics), "pgbackup_runs_total{result=\"failed\","
                        + "service=\"orders\"}")).isEqualTo(-1);
                Waiting.until("the skipped slot's notice", BOUND, () -> receiver.requests.stream()
                        .anyMatch(r -> r.startsWith("POST /skips") && r.contains("backup.skipped")), second::log);
                assertThat(receiver.requests).as("no failure told, no failed ping")
                        .noneMatch(r -> r.startsWith("POST /failures")).noneMatch(r -> r.contains("/ping/fail"));
                // Health too: the slot the other controller took leaves this one with no archive, yet not stale.
                ControllerProcess.Run health = controller.run(scheduled, "health");
                assertThat(health.exitCode()).as(health.output()).isZero();
                assertThat(health.output()).contains("orders: fresh: the slot of ").contains(
                        "was taken by another controller; no complete archive here");

                tables.rollback();
                assertThat(first.waitFor(BOUND)).as(first.log()).isZero();
                String ok = "pgbackup_runs_total{result=\"ok\",service=\"orders\"}";
                Waiting.until("the next slot to dump", BOUND, () -> Metrics.value(Metrics.get(metrics), ok) >= 1,
                        second::log);
                second.terminate();
                second.waitFor(BOUND);
            }
        } finally {
            tables.close();
        }
        // What the next slot stored is whole: each archive's bytes are those its manifest records.
        assertThat(archives(rootB, "orders")).isNotEmpty().allSatisfy(archive -> assertThat(
                archive.resolveSibling(archive.getFileName() + ".manifest.json")).content()
                .contains("\"sha256\" : \"" + Sha256Sum.of(archive) + "\""));
    }

    /**
     * The race the backup lock alone lost: two controllers on one schedule, the second held up
     * by another database of its own until the first has dumped the shared one and let go of its
     * backup lock. The first's slot claim outlasts that dump, so the second skips the slot.
     */
    @Test
    void aControllerThatComesToADatabaseAfterAnotherDumpedItInTheSameSlotSkipsIt() throws Exception {
        String log = secondComesToTheSharedDatabaseAfter(1, "*/10 * * * * *");
        assertThat(log).contains(") by another controller: 'pg-backup-controller' from 127.0.0.1");
        assertThat(archives(rootB, "slow")).hasSize(1);
    }

    /**
     * The second controller comes to the shared database three slots late, after the first has
     * let go of the claim of the slot the second's run was for: the second claims the slot it
     * is in instead, which the first holds, and skips it. Before, it took the old slot's free
     * claim and stored an archive in a slot the first had stored too (the fleet test in CI).
     */
    @Test
    void aControllerThatComesToADatabaseSlotsLateClaimsTheSlotItIsInAndSkipsIt() throws Exception {
        // Three slots: the first lets go of a slot's claim as its run two slots later begins.
        secondComesToTheSharedDatabaseAfter(3, "*/6 * * * * *");
    }

    /**
     * The first controller dumps {@code app}; the second, whose {@code orders} is the same
     * database, waits on a table of its own database {@code slow} until the first has dumped
     * {@code app} in the given number of slots since, then comes to {@code orders} and must skip
     * it: its log, once checked for the skip and for no archive of {@code orders}.
     */
    private String secondComesToTheSharedDatabaseAfter(int slots, String cron) throws Exception {
        app.cluster().psql("postgres", "CREATE DATABASE slow");
        app.cluster().psql("slow", "CREATE TABLE waits (id int); INSERT INTO waits VALUES (1)");
        Map<String, String> schedule = Map.of("MODE", "production", "BACKUP_SCHEDULE", cron);
        Map<String, String> first = app.env(rootA);
        first.putAll(schedule);
        Map<String, String> second = other("DATABASE_LIST", "slow,orders", "BACKUP_PARALLELISM", "1");
        second.putAll(app.cluster().serviceEnvironment("slow"));
        second.put("SLOW_POSTGRES_DB", "slow");
        second.putAll(schedule);
        Connection slow = hold("slow", "waits");
        try (ControllerProcess.Background a = controller.start(Files.createDirectories(output.resolve("a")), first,
                "start"); ControllerProcess.Background b = controller.start(Files.createDirectories(
                        output.resolve("b")), second, "start")) {
            Waiting.until("the second controller's dump of 'slow' to begin", BOUND,
                    () -> b.log().contains("slow: dumping database 'slow'"), b::log);
            long before = lines(a.log(), "app: run ", "result=ok");
            Waiting.until("the first controller to dump 'app' in " + slots + " slot(s) while the second waits on"
                    + " 'slow'", BOUND, () -> lines(a.log(), "app: run ", "result=ok") >= before + slots, a::log);
            slow.rollback();
            Waiting.until("the second controller to come to 'orders'", BOUND,
                    () -> lines(b.log(), "orders: run ", "result=") > 0, b::log);

            assertThat(b.log()).as(a.log() + b.log()).contains("orders: run ").contains("result=skipped: Database"
                    + " 'app' at 127.0.0.1:" + app.cluster().port() + " was taken for this slot (")
                    .contains("holds its claim on the slot");
            assertThat(archives(rootB, "orders")).as("no archive of a slot the first controller stored").isEmpty();
            return b.log();
        } finally {
            slow.close();
        }
    }

    /** A claim names its slot's time: controllers whose schedules differ each dump at their own times. */
    @Test
    void controllersOnDifferentSchedulesEachDumpTheirOwnSlots() throws Exception {
        Map<String, String> first = app.env(rootA);
        first.putAll(Map.of("MODE", "production", "BACKUP_SCHEDULE", "0/6 * * * * *"));
        Map<String, String> second = other("MODE", "production", "BACKUP_SCHEDULE", "3/6 * * * * *");
        try (ControllerProcess.Background a = controller.start(Files.createDirectories(output.resolve("a")), first,
                "start"); ControllerProcess.Background b = controller.start(Files.createDirectories(
                        output.resolve("b")), second, "start")) {
            Waiting.until("two slots of each controller", BOUND, () -> lines(a.log(), "app: run ", "result=ok") >= 2
                    && lines(b.log(), "orders: run ", "result=ok") >= 2, () -> a.log() + b.log());
            assertThat(a.log() + b.log()).doesNotContain("was taken for this slot");
        }
    }

    @Test
    void aRoleThatTheMaintenanceDatabaseRefusesIsToldOnceAndDumpsUnderTheBackupLockAlone() throws Exception {
        app.cluster().psql("CREATE ROLE plain LOGIN PASSWORD 'plain-pw'; GRANT pg_read_all_data TO plain;"
                + " GRANT CONNECT ON DATABASE app TO plain; REVOKE CONNECT ON DATABASE postgres FROM PUBLIC;"
                + " REVOKE CONNECT ON DATABASE template1 FROM PUBLIC");
        Map<String, String> env = other("MODE", "production", "BACKUP_SCHEDULE", "*/3 * * * * *",
                "ORDERS_POSTGRES_USER", "plain", "ORDERS_POSTGRES_PASSWORD", "plain-pw");
        try (ControllerProcess.Background scheduled = controller.start(output, env, "start")) {
            Waiting.until("two slots", BOUND, () -> lines(scheduled.log(), "orders: run ", "result=ok") >= 2,
                    scheduled::log);
            assertThat(lines(scheduled.log(), "cannot open the session that holds slot claims at 127.0.0.1:"
                    + app.cluster().port(), "dumps there rely on the backup lock alone")).as(scheduled.log())
                    .isEqualTo(1);
            assertThat(scheduled.log()).doesNotContain("result=failed").doesNotContain("plain-pw");
        }
        assertThat(archives(rootB, "orders")).hasSizeGreaterThanOrEqualTo(2);
    }

    /**
     * The network fails for the claim, the first connection of a slot, and works again for the
     * dump: the slot fails and stores nothing, since a dump without its claim could store a slot
     * that another controller claimed; the next slot claims and dumps.
     */
    @Test
    void aSlotWhoseClaimCannotBeMadeFailsAndStoresNothingAndTheNextSlotDumps() throws Exception {
        try (ByteCountingProxy flaky = new ByteCountingProxy("127.0.0.1", app.cluster().port())) {
            flaky.dropNext(1);
            Map<String, String> env = other("MODE", "production", "BACKUP_SCHEDULE", "*/3 * * * * *",
                    "ORDERS_POSTGRES_PORT", Integer.toString(flaky.port()));
            try (ControllerProcess.Background scheduled = controller.start(output, env, "start")) {
                Waiting.until("a slot dumped", BOUND, () -> lines(scheduled.log(), "orders: run ", "result=ok") >= 1,
                        scheduled::log);
                scheduled.terminate();
                scheduled.waitFor(BOUND);
                String log = scheduled.log();
                assertThat(flaky.dropped()).isEqualTo(1);
                assertThat(lines(log, "orders: run ", "result=failed: Cannot connect to service 'orders' at 127.0.0.1:"
                        + flaky.port() + " (database 'app', user 'pete'): the connection that claims this slot"
                        + " failed: ")).as(log).isEqualTo(1);
                assertThat(log).doesNotContain(env.get("ORDERS_POSTGRES_PASSWORD"));
                assertThat(archives(rootB, "orders")).as(log).hasSize((int) lines(log, "orders: run ", "result=ok"));
            }
        }
    }

    /**
     * The server ends the idle session that holds the claims (as a restart does) between two
     * slots: the next slot opens another, claims and dumps, and the claim is held on the server.
     */
    @Test
    void aClaimsSessionTheServerEndedIsOpenedAgainAndTheNextSlotIsClaimed() throws Exception {
        Map<String, String> env = other("MODE", "production", "BACKUP_SCHEDULE", "*/4 * * * * *");
        String claims = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid::bigint = "
                + 0x50474253L;
        try (ControllerProcess.Background scheduled = controller.start(output, env, "start")) {
            Waiting.until("a slot dumped", BOUND, () -> lines(scheduled.log(), "orders: run ", "result=ok") >= 1,
                    scheduled::log);
            assertThat(app.cluster().psql("SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM"
                    + " pg_stat_activity WHERE application_name = 'pg-backup-controller' AND datname = 'postgres')"
                    + " ended").strip()).isEqualTo("1");
            assertThat(app.cluster().psql(claims).strip()).isEqualTo("0");
            long before = lines(scheduled.log(), "orders: run ", "result=");
            Waiting.until("the next slot", BOUND, () -> lines(scheduled.log(), "orders: run ", "result=") > before,
                    scheduled::log);
            assertThat(app.cluster().psql(claims).strip()).as("claims held after the next slot").isNotEqualTo("0");
            String log = scheduled.log();
            assertThat(lines(log, "orders: the session that holds slot claims at 127.0.0.1:" + app.cluster().port()
                    + " ended (", "); opening another")).as(log).isEqualTo(1);
            assertThat(log).doesNotContain("result=failed").doesNotContain("relies on the backup lock alone");
        }
    }

    /**
     * Two services of one controller name one database, dumped side by side: the second waits
     * for the first's turn, instead of taking it for another controller's dump and leaving it
     * the slot, and both store an archive.
     */
    @Test
    void twoServicesOfOneDatabaseInOneControllerTakeTurnsAndBothStoreTheSlot() throws Exception {
        Map<String, String> env = app.env(rootA);
        env.putAll(app.cluster().serviceEnvironment("copy"));
        env.putAll(Map.of("DATABASE_LIST", "app,copy", "BACKUP_PARALLELISM", "2", "LOCK_WAIT_SECONDS", "1"));
        Connection tables = holdTables();
        try (ControllerProcess.Background both = controller.start(output, env, "dump", "--all")) {
            Waiting.until("one service to wait for the other's turn", BOUND, () -> both.log().contains(
                    "of this controller, which is dumping database 'app' at 127.0.0.1:" + app.cluster().port()),
                    both::log);
            tables.rollback();
            assertThat(both.waitFor(BOUND)).as(both.log()).isZero();
            assertThat(both.log()).doesNotContain("another controller");
        } finally {
            tables.close();
        }
        assertThat(archives(rootA, "app")).hasSize(1);
        assertThat(archives(rootA, "copy")).hasSize(1);
    }

    /** How many lines of a log hold both texts. */
    private static long lines(String log, String one, String other) {
        return log.lines().filter(l -> l.contains(one) && l.contains(other)).count();
    }

    @Test
    void aControllerKilledWhileHoldingTheLockLosesItWithItsSession() throws Exception {
        Connection tables = holdTables();
        try (ControllerProcess.Background first = controller.start(output, app.env(rootA), "dump", "app")) {
            Waiting.until("the first controller to hold the backup lock", BOUND, () -> advisoryHolders() == 1,
                    first::log);
            first.handle().descendants().forEach(ProcessHandle::destroyForcibly);
            first.kill();
            first.waitFor(BOUND);
            Waiting.until("the server to end the killed controller's session", BOUND, () -> advisoryHolders() == 0,
                    first::log);
        } finally {
            tables.rollback();
            tables.close();
        }
        ControllerProcess.Run second = controller.run(other(), "dump", "orders");
        assertThat(second.exitCode()).as(second.output()).isZero();
        assertThat(archives(rootB, "orders")).hasSize(1);
        assertThat(archives(rootA, "app")).isEmpty();
    }

    @Test
    void aRestoreWaitsForAnotherControllersDumpAndChangesNothingWhenItGivesUp() throws Exception {
        ControllerProcess.Run dumped = controller.run(other(), "dump", "orders");
        assertThat(dumped.exitCode()).as(dumped.output()).isZero();
        String archive = archives(rootB, "orders").get(0).getFileName().toString();
        app.cluster().psql("INSERT INTO customers (name) SELECT 'after the dump ' || g FROM generate_series(1, 3) g");
        String before = app.cluster().psql("SELECT count(*) FROM customers");
        Connection tables = holdTables();
        try (ControllerProcess.Background first = controller.start(output, app.env(rootA), "dump", "app")) {
            Waiting.until("the first controller to hold the backup lock", BOUND, () -> advisoryHolders() == 1,
                    first::log);

            ControllerProcess.Run restore = controller.run(other(), "restore", "orders", archive);

            assertThat(restore.exitCode()).as(restore.output()).isEqualTo(1);
            assertThat(restore.errorLines()).singleElement().satisfies(line -> assertThat(line)
                    .startsWith("error: Database 'app' at 127.0.0.1:" + app.cluster().port() + " is being backed up"
                            + " or restored by another controller: 'pg-backup-controller' from 127.0.0.1"));
            tables.rollback();
            assertThat(first.waitFor(BOUND)).as(first.log()).isZero();
        } finally {
            tables.close();
        }
        assertThat(app.cluster().psql("SELECT count(*) FROM customers")).isEqualTo(before);
    }

    @Test
    void aDrillWaitsForAnotherControllersDrillOfTheDatabaseWhichHoldsUpNoDump() throws Exception {
        ControllerProcess.Run dumped = controller.run(other(), "dump", "orders");
        assertThat(dumped.exitCode()).as(dumped.output()).isZero();
        // Another controller drilling database 'app' into this server: its drill lock, keyed by the
        // scratch databases' prefix, in the server's maintenance database.
        CRC32 crc = new CRC32();
        crc.update("app_drill_".getBytes(StandardCharsets.UTF_8));
        Map<String, String> env = app.cluster().serviceEnvironment("x");
        Properties login = new Properties();
        login.setProperty("user", env.get("X_POSTGRES_USER"));
        login.setProperty("password", env.get("X_POSTGRES_PASSWORD"));
        login.setProperty("ApplicationName", "other-drill");
        try (Connection drill = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + env.get("X_POSTGRES_PORT")
                + "/postgres", login); Statement s = drill.createStatement()) {
            s.execute("SELECT pg_advisory_lock(" + 0x50474244 + ", " + (int) crc.getValue() + ")");

            ControllerProcess.Run refused = controller.run(other(), "drill", "orders");

            assertThat(refused.exitCode()).as(refused.output()).isEqualTo(1);
            assertThat(refused.errorLines()).singleElement().satisfies(line -> assertThat(line)
                    .startsWith("error: Drills into 'app_drill_*' at 127.0.0.1:" + app.cluster().port() + " are being"
                            + " run by another controller: 'other-drill' from 127.0.0.1")
                    .contains("did not let go within LOCK_WAIT_SECONDS (2s)"));
            ControllerProcess.Run dump = controller.run(other(), "dump", "orders");
            assertThat(dump.exitCode()).as("a drill's lock holds up no dump: " + dump.output()).isZero();
        }
        ControllerProcess.Run drill = controller.run(other(), "drill", "orders");
        assertThat(drill.exitCode()).as(drill.output()).isZero();
        assertThat(app.cluster().psql("postgres", "SELECT count(*) FROM pg_database WHERE datname LIKE 'app_drill_%'"))
                .as("no scratch database left").isEqualTo("0");
    }
}
