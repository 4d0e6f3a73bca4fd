package org.pgbackup.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.pgbackup.manifest.Manifest;
import org.pgbackup.manifest.TableRows;

/**
 * Restore drills through the shaded jar against a real server: a good archive passes and
 * leaves no scratch database; tampered counts, a missing table, a corrupt archive, a drill
 * server that is down and a role without CREATEDB each fail with a message that says so;
 * a drill killed with SIGKILL leaves a database that the next drill drops.
 */
class DrillIT {
    private static final Duration BOUND = Duration.ofSeconds(60);

    @RegisterExtension
    ClusterExtension app = new ClusterExtension("app", "pete", "pete-pw", "app", 300);
    static ControllerProcess controller = ControllerProcess.fromSystemProperty();

    @TempDir
    Path root;
    @TempDir
    Path output;


    private String scratchDatabases() {
        return app.cluster().psql("postgres", "SELECT string_agg(datname, ',' ORDER BY datname) FROM pg_database"
                + " WHERE datname LIKE 'app\\_drill\\_%'");
    }

    private Path onlyArchive() throws IOException {
        try (Stream<Path> files = Files.list(root.resolve("data/app"))) {
            return files.filter(p -> p.getFileName().toString().matches("file_.*\\.dump(\\.zst)?")).findFirst()
                    .orElseThrow();
        }
    }

    private static Path manifestOf(Path archive) {
        return archive.resolveSibling(archive.getFileName() + ".manifest.json");
    }

    private static Manifest read(Path manifest) throws IOException {
        return Manifest.parse(Files.readAllBytes(manifest)).orElseThrow();
    }

    private static Manifest withCounts(Manifest m, List<TableRows> counts) {
        return new Manifest(m.archive(), m.sha256(), m.size(), m.service(), m.database(), m.host(),
                m.serverVersion(), m.pgDumpVersion(), m.format(), m.compression(), m.startedAt(), m.finishedAt(),
                m.encryption(), m.recipients(), m.tables(), java.util.Optional.of(counts));
    }

    @Test
    void aGoodArchivePassesWithEveryRowCountedInTheDumpsSnapshotAndLeavesNoScratchDatabase() throws IOException {
        Map<String, String> env = app.env(root);
        controller.ok(env, "dump", "app");
        Manifest manifest = read(manifestOf(onlyArchive()));
        assertThat(manifest.rowCounts()).hasValueSatisfying(counts -> assertThat(counts)
                .contains(new TableRows("public", "customers", 300), new TableRows("sales", "orders", 600)));

        ControllerProcess.Run drill = controller.ok(env, "drill", "app");

        assertThat(drill.stdout()).startsWith("app: drill passed: " + onlyArchive().getFileName()
                + " restored into app_drill_").contains("2 tables, 2 row counts equal to the dump's")
                .contains("scratch database dropped");
        assertThat(scratchDatabases()).isEmpty();
        assertThat(root.resolve("data/app/.pgbackup/drill/last-good-drill")).isRegularFile();
    }

    @Test
    void rowsWrittenWhileTheDumpRunsAreInNeitherTheArchiveNorItsCounts() throws Exception {
        Map<String, String> env = app.env(root);
        try (AutoCloseable lock = app.cluster().holdLock("sales.orders");
                ControllerProcess.Background dump = controller.start(output, env, "dump", "app")) {
            // pg_dump has its snapshot and waits for the table; rows committed now are after it.
            Waiting.until("the dump to wait for the lock", BOUND, app.cluster()::controllerWaitsForLock, dump::log);
            app.cluster().psql("INSERT INTO customers (name) SELECT 'late ' || g FROM generate_series(1, 50) g");
            lock.close();
            assertThat(dump.waitFor(BOUND)).as(dump.log()).isZero();
        }
        assertThat(app.cluster().psql("SELECT count(*) FROM customers")).isEqualTo("350");
        assertThat(read(manifestOf(onlyArchive())).rowCounts()).hasValueSatisfying(counts -> assertThat(counts)
                .contains(new TableRows("public", "customers", 300)));

        assertThat(controller.ok(env, "drill", "app").stdout()).contains("2 row counts equal to the dump's");
    }

    @Test
    void countsThatDisagreeWithTheRestoredRowsFailTheDrill() throws IOException {
        Map<String, String> env = app.env(root);
        controller.ok(env, "dump", "app");
        Path manifestFile = manifestOf(onlyArchive());
        Manifest manifest = read(manifestFile);
        List<TableRows> tampered = new ArrayList<>();
        for (TableRows t : manifest.rowCounts().orElseThrow()) {
            tampered.add(t.table().equals("orders") ? new TableRows(t.schema(), t.table(), t.rows() - 7) : t);
        }
        Files.write(manifestFile, withCounts(manifest, tampered).toJson());

        ControllerProcess.Run drill = controller.run(env, "drill", "app");

        assertThat(drill.exitCode()).as(drill.toString()).isEqualTo(1);
        assertThat(drill.errorLines()).anySatisfy(line -> assertThat(line).contains("Drill of service 'app' failed")
                .contains("table sales.orders has 600 rows after the restore; the dump counted 593"));
        assertThat(scratchDatabases()).isEmpty();
    }

    @Test
    void aTableCountedAtDumpTimeButMissingFromTheArchiveFailsTheDrill() throws IOException {
        Map<String, String> env = app.env(root);
        controller.ok(env, "dump", "app");
        Path first = onlyArchive();
        List<TableRows> countsWithOrders = read(manifestOf(first)).rowCounts().orElseThrow();
        Files.delete(manifestOf(first));
        Files.delete(first);
        // The archive that the manifest describes lost a table: made by a dump without it.
        app.cluster().psql("DROP TABLE sales.orders CASCADE");
        controller.ok(env, "dump", "app");
        Path second = onlyArchive();
        Files.write(manifestOf(second), withCounts(read(manifestOf(second)), countsWithOrders).toJson());

        ControllerProcess.Run drill = controller.run(env, "drill", "app");

        assertThat(drill.exitCode()).as(drill.toString()).isEqualTo(1);
        assertThat(drill.stderr()).contains("table sales.orders, counted with 600 rows at dump time, is not in the"
                + " archive");
        assertThat(scratchDatabases()).isEmpty();
    }

    @Test
    void aCorruptedNewestArchiveFailsWithCorrupt() throws IOException {
        Map<String, String> env = app.env(root);
        controller.ok(env, "dump", "app");
        Path archive = onlyArchive();
        try (RandomAccessFile file = new RandomAccessFile(archive.toFile(), "rw")) {
            file.seek(file.length() / 2);
            int b = file.read();
            file.seek(file.length() / 2);
            file.write(b ^ 0xFF);
        }

        ControllerProcess.Run drill = controller.run(env, "drill", "app");

        assertThat(drill.exitCode()).as(drill.toString()).isEqualTo(1);
        assertThat(drill.stderr()).contains("corrupt");
        assertThat(scratchDatabases()).isEmpty();
    }

    @Test
    void aDrillServerThatIsDownFailsTheDrillAndBackupsGoOn() throws IOException {
        Map<String, String> env = app.env(root);
        env.put("APP_DRILL_HOST", "127.0.0.1");
        env.put("APP_DRILL_PORT", Integer.toString(freePort()));
        env.put("APP_DRILL_PASSWORD", "drill-secret-pw");
        controller.ok(env, "dump", "app");

        ControllerProcess.Run drill = controller.run(env, "drill", "app");

        assertThat(drill.exitCode()).as(drill.toString()).isEqualTo(1);
        assertThat(drill.stderr()).contains("cannot connect to the drill server 127.0.0.1:")
                .contains("APP_DRILL_HOST").doesNotContain("drill-secret-pw");
        assertThat(controller.ok(env, "dump", "app").stdout()).contains("stored in local");
    }

    @Test
    void aRoleWithoutCreatedbGetsAMessageThatSaysSo() {
        app.cluster().psql("CREATE ROLE reader LOGIN PASSWORD 'reader-pw'");
        Map<String, String> env = app.env(root);
        env.put("APP_DRILL_USER", "reader");
        env.put("APP_DRILL_PASSWORD", "reader-pw");
        controller.ok(env, "dump", "app");

        ControllerProcess.Run drill = controller.run(env, "drill", "app");

        assertThat(drill.exitCode()).as(drill.toString()).isEqualTo(1);
        assertThat(drill.stderr()).contains("the role 'reader' may not create databases there: grant it CREATEDB");
        assertThat(scratchDatabases()).isEmpty();
    }

    @Test
    void theCheckQueryMustReturnTrue() {
        Map<String, String> env = app.env(root);
        controller.ok(env, "dump", "app");
        env.put("APP_DRILL_SQL", "SELECT count(*) > 1000 FROM customers");

        ControllerProcess.Run drill = controller.run(env, "drill", "app");

        assertThat(drill.exitCode()).as(drill.toString()).isEqualTo(1);
        assertThat(drill.stderr()).contains("the check query of _DRILL_SQL did not return true");
        env.put("APP_DRILL_SQL", "SELECT count(*) = 300 FROM customers");
        controller.ok(env, "drill", "app");
    }

    @Test
    void aDrillKilledWithSigkillLeavesADatabaseThatTheNextDrillDrops() throws IOException {
        Map<String, String> env = app.env(root);
        controller.ok(env, "dump", "app");
        // The check query keeps the drill in its scratch database long enough to be killed there.
        env.put("APP_DRILL_SQL", "SELECT pg_sleep(2) IS NOT NULL");
        try (ControllerProcess.Background drill = controller.start(output, env, "drill", "app")) {
            Waiting.until("the scratch database", BOUND, () -> !scratchDatabases().isEmpty(), drill::log);
            drill.kill();
            drill.waitFor(BOUND);
        }
        String leftover = scratchDatabases();
        assertThat(leftover).startsWith("app_drill_");
        Waiting.until("the killed drill's sessions to end", BOUND, () -> app.cluster().psql("postgres",
                "SELECT count(*) FROM pg_stat_activity WHERE datname LIKE 'app\\_drill\\_%'").equals("0"), () -> "");
        env.remove("APP_DRILL_SQL");

        ControllerProcess.Run next = controller.ok(env, "drill", "app");

        assertThat(next.stderr()).contains("dropped '" + leftover + "', the scratch database of an earlier drill");
        assertThat(scratchDatabases()).isEmpty();
    }

    @Test
    void aStopDuringADrillStillDropsTheScratchDatabase() {
        Map<String, String> env = app.env(root);
        controller.ok(env, "dump", "app");
        env.put("APP_DRILL_SQL", "SELECT pg_sleep(2) IS NOT NULL");
        try (ControllerProcess.Background drill = controller.start(output, env, "drill", "app")) {
            Waiting.until("the scratch database", BOUND, () -> !scratchDatabases().isEmpty(), drill::log);
            drill.terminate();
            assertThat(drill.waitFor(BOUND)).isNotEqualTo(-1);
        }
        assertThat(scratchDatabases()).isEmpty();
    }

    @Test
    void aLongDrillDoesNotHoldUpADump() {
        Map<String, String> env = app.env(root);
        controller.ok(env, "dump", "app");
        Map<String, String> slow = new java.util.HashMap<>(env);
        slow.put("APP_DRILL_SQL", "SELECT pg_sleep(3) IS NOT NULL");
        try (ControllerProcess.Background drill = controller.start(output, slow, "drill", "app")) {
            Waiting.until("the scratch database", BOUND, () -> !scratchDatabases().isEmpty(), drill::log);
            env.put("LOCK_WAIT_SECONDS", "0");

            ControllerProcess.Run dump = controller.ok(env, "dump", "app");

            assertThat(dump.stdout()).contains("stored in local");
            assertThat(drill.alive()).as("the drill still runs").isTrue();
            assertThat(drill.waitFor(BOUND)).isZero();
        }
    }

    @Test
    void healthWithDrillMaxAgeWantsARecentGoodDrill() {
        Map<String, String> env = app.env(root);
        env.put("HEALTH_MAX_AGE", "1d");
        env.put("DRILL_MAX_AGE", "8d");
        controller.ok(env, "dump", "app");
        ControllerProcess.Run before = controller.run(env, "health");
        assertThat(before.exitCode()).as(before.toString()).isEqualTo(1);
        assertThat(before.output()).contains("no drill has passed");

        controller.ok(env, "drill", "app");

        assertThat(controller.ok(env, "health").output()).contains("last good drill");
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }
}
