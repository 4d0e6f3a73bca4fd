package org.pgbackup.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Point-in-time recovery through faults, as {@code start} meets them: the controller killed
 * (SIGKILL, its programs with it, as a container dies) while WAL segments are being stored, the
 * server restarted while it streams, and the slot dropped by hand. Each time the archive ends
 * with every segment stored once and a window without a gap, and {@code restore-pitr --latest}
 * brings back every row.
 */
class PitrFaultIT {
    private static final Duration BOUND = Duration.ofSeconds(120);
    private static final String SERVICE = "fault-db";
    private static final Pattern BASE_BACKUP = Pattern.compile(SERVICE + ": base backup (base_\\S+) stored in");

    static ControllerProcess controller = ControllerProcess.fromSystemProperty();
    @RegisterExtension
    ClusterExtension source = new ClusterExtension(SERVICE, "fay", "fay-pw", "app", 0);

    @TempDir
    Path root;
    @TempDir
    Path output;

    private final RestoredServers servers = new RestoredServers();

    @AfterEach
    void stopRestoredServers() {
        servers.close();
    }

    private Map<String, String> env() {
        Map<String, String> env = source.env(root);
        env.put("MODE", "production");
        env.put("BACKUP_SCHEDULE", "0 0 1 1 *");
        env.put("FAULT_DB_PITR", "true");
        env.put("WAL_PARTIAL_SECONDS", "1");
        return env;
    }

    private Path archive() {
        return root.resolve("data").resolve(SERVICE).resolve("wal.archive");
    }

    /** About three segments of WAL, committed in one statement. */
    private void writeSegments(int batch) {
        source.cluster().psql("INSERT INTO big SELECT " + batch + ", g, repeat(md5(g::text), 32) FROM"
                + " generate_series(1, 40000) AS g");
    }

    private ControllerProcess.Background startController(Path log) throws IOException {
        return startController(log, env());
    }

    private ControllerProcess.Background startController(Path log, Map<String, String> env) throws IOException {
        return controller.start(Files.createDirectories(log), env, "start");
    }

    @Test
    void killedWhileStoringSegmentsItLeavesNoPartialObjectAndNoGap() throws IOException {
        source.cluster().psql("CREATE TABLE big (batch int, n int, pad text)");
        try (ControllerProcess.Background first = startController(output.resolve("0"))) {
            Waiting.until("the first base backup", BOUND, () -> BASE_BACKUP.matcher(first.log()).find(), first::log);
            kill(first);
        }
        for (int round = 1; round <= 3; round++) {
            try (ControllerProcess.Background start = startController(output.resolve(Integer.toString(round)))) {
                Waiting.until("streaming", BOUND, () -> start.log().contains(SERVICE + ": streaming WAL"), start::log);
                writeSegments(round);
                long before = stored().size();
                Waiting.until("a segment stored", BOUND, () -> stored().size() > before, start::log);
                // While the next ones are being stored, as the data goes on arriving.
                kill(start);
            }
        }
        String segment;
        try (ControllerProcess.Background last = startController(output.resolve("last"))) {
            Waiting.until("streaming", BOUND, () -> last.log().contains(SERVICE + ": streaming WAL"), last::log);
            segment = source.cluster().psql("SELECT pg_walfile_name(pg_switch_wal())");
            Waiting.until(segment + " stored", BOUND, () -> stored().containsKey(segment), last::log);
            last.terminate();
            assertThat(last.waitFor(BOUND)).as(last.log()).isNotEqualTo(-1);
            assertThat(last.log()).doesNotContain("was missing");
        }

        // Every segment once: one checksum and one object under its name, nothing half written beside them.
        Map<String, List<String>> objects = new TreeMap<>();
        try (Stream<Path> files = Files.list(archive())) {
            files.map(p -> p.getFileName().toString()).forEach(name -> objects.computeIfAbsent(name.substring(0,
                    Math.min(24, name.length())), k -> new ArrayList<>()).add(name));
        }
        assertThat(objects).allSatisfy((name, stored) -> {
            if (name.matches("[0-9A-F]{24}") && !stored.stream().allMatch(n -> n.contains(".partial"))) {
                assertThat(stored).filteredOn(n -> !n.contains(".partial"))
                        .containsExactlyInAnyOrder(name + ".sha256", name + ".zst");
            } else {
                assertThat(stored).allSatisfy(n -> assertThat(n).matches("[0-9A-F]{24}\\.partial\\.(sha256|zst)"));
            }
        });
        assertLatestRestoresEveryRow();
    }

    @Test
    void aServerRestartWhileStreamingLeavesNoGap() throws IOException {
        source.cluster().psql("CREATE TABLE big (batch int, n int, pad text)");
        try (ControllerProcess.Background start = startController(output.resolve("0"))) {
            Waiting.until("the first base backup", BOUND, () -> BASE_BACKUP.matcher(start.log()).find(), start::log);
            writeSegments(1);
            source.cluster().stopImmediately();
            source.cluster().start();
            writeSegments(2);
            String segment = source.cluster().psql("SELECT pg_walfile_name(pg_switch_wal())");
            Waiting.until(segment + " stored", BOUND, () -> stored().containsKey(segment), start::log);
            assertThat(start.log()).contains("WAL streaming through slot").contains("starting it again")
                    .doesNotContain("was missing");
            start.terminate();
            assertThat(start.waitFor(BOUND)).as(start.log()).isNotEqualTo(-1);
        }
        assertLatestRestoresEveryRow();
    }

    @Test
    void aSlotDroppedByHandIsCreatedAgainTheGapIsReportedAndANewBaseBackupStartsANewWindow() throws IOException {
        PgCluster cluster = source.cluster();
        cluster.psql("CREATE TABLE big (batch int, n int, pad text)");
        HttpRecorder receiver = new HttpRecorder();
        Map<String, String> env = env();
        env.put("NOTIFY_WEBHOOK_URL", receiver.url("/hook"));
        env.put("NOTIFY_ON", "all");
        int metricsPort = Metrics.freePort();
        long lsnBefore = lsn(cluster);
        env.put("METRICS_PORT", Integer.toString(metricsPort));
        try (receiver; ControllerProcess.Background start = startController(output.resolve("0"), env)) {
            Waiting.until("the first base backup", BOUND, () -> BASE_BACKUP.matcher(start.log()).find(), start::log);
            writeSegments(1);
            // The walsender must end before its slot can go: ended and dropped in one go, before the controller
            // starts pg_receivewal again.
            cluster.psql("DO $$ DECLARE slot text; BEGIN SELECT slot_name INTO slot FROM pg_replication_slots;"
                    + " PERFORM pg_terminate_backend(active_pid) FROM pg_replication_slots; FOR i IN 1..100 LOOP"
                    + " BEGIN PERFORM pg_drop_replication_slot(slot); RETURN; EXCEPTION WHEN object_in_use THEN"
                    + " PERFORM pg_sleep(0.01); END; END LOOP; RAISE 'the slot stayed active'; END $$");
            writeSegments(2);
            Waiting.until("the gap reported and a second base backup", BOUND, () -> baseBackups(start.log()) >= 2,
                    start::log);
            assertThat(start.log()).contains(SERVICE + ": replication slot 'pg_backup_fault_db")
                    .contains("was missing at 127.0.0.1:" + cluster.port() + " and has been created again: the WAL the"
                            + " server wrote while it was missing is not in the archive")
                    .contains("the WAL archive has a gap; taking a base backup now so that a new window starts");
            writeSegments(3);
            String segment = cluster.psql("SELECT pg_walfile_name(pg_switch_wal())");
            Waiting.until(segment + " stored", BOUND, () -> stored().containsKey(segment), start::log);
            String metrics = Metrics.get("http://127.0.0.1:" + metricsPort + "/metrics");
            long lsnAfter = lsn(cluster);
            assertThat(Metrics.value(metrics, "pgbackup_pitr_server_lsn_bytes{service=\"" + SERVICE + "\"}"))
                    .as("the server's position, asked by the controller").isBetween((double) lsnBefore,
                            (double) lsnAfter);
            assertThat(Metrics.value(metrics, "pgbackup_pitr_slot_retained_bytes{service=\"" + SERVICE + "\"}"))
                    .isGreaterThanOrEqualTo(0);
            // The end of a segment the test saw stored, or of a later one.
            double archived = Metrics.value(metrics, "pgbackup_pitr_archived_lsn_bytes{service=\"" + SERVICE + "\"}");
            assertThat(archived).as(metrics).isBetween((double) lsnBefore, (double) lsnAfter);
            assertThat(archived % (16 * 1024 * 1024)).isZero();
            assertThat(Metrics.value(metrics, "pgbackup_pitr_wal_gaps{service=\"" + SERVICE + "\"}")).isEqualTo(1);
            assertThat(Metrics.value(metrics, "pgbackup_pitr_base_backups_total{result=\"ok\",service=\"" + SERVICE
                    + "\"}")).as(metrics).isEqualTo(2);
            start.terminate();
            assertThat(start.waitFor(BOUND)).as(start.log()).isNotEqualTo(-1);
            assertThat(receiver.requests).anySatisfy(r -> assertThat(r).startsWith("POST /hook {")
                    .contains("\"event\":\"wal.failed\"").contains("\"service\":\"" + SERVICE + "\"")
                    .contains("was dropped and has been created again"));
            assertThat(receiver.requests.stream().filter(r -> r.contains("\"event\":\"basebackup.succeeded\"")))
                    .hasSize(2);
        }
        assertThat(cluster.psql("SELECT count(*) FROM pg_replication_slots")).isEqualTo("1");
        assertLatestRestoresEveryRow();
    }

    /** The server's WAL position as a byte offset, as the metric gives it. */
    private static long lsn(PgCluster cluster) {
        return Long.parseLong(cluster.psql("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint"));
    }

    private static int baseBackups(String log) {
        Matcher found = BASE_BACKUP.matcher(log);
        int count = 0;
        while (found.find()) {
            count++;
        }
        return count;
    }

    /** The archived segments (their checksums), by name. */
    private Map<String, Path> stored() {
        Map<String, Path> stored = new TreeMap<>();
        if (!Files.isDirectory(archive())) {
            return stored;
        }
        try (Stream<Path> files = Files.list(archive())) {
            files.filter(p -> p.getFileName().toString().matches("[0-9A-F]{24}\\.sha256"))
                    .forEach(p -> stored.put(p.getFileName().toString().substring(0, 24), p));
        } catch (IOException e) {
            return stored;
        }
        return stored;
    }

    /** Kills the controller and its programs at once, as a container's end kills every process in it. */
    private static void kill(ControllerProcess.Background start) {
        start.handle().descendants().forEach(ProcessHandle::destroyForcibly);
        start.kill();
        assertThat(start.waitFor(BOUND)).isNotEqualTo(-1);
    }

    /** {@code list --pitr} sees no gap, and {@code restore-pitr --latest} brings back every row. */
    private void assertLatestRestoresEveryRow() throws IOException {
        Map<String, String> env = env();
        ControllerProcess.Run window = controller.run(env, "list", "--pitr", SERVICE);
        assertThat(window.exitCode()).as(window.toString()).isZero();
        assertThat(window.stdout()).contains(SERVICE + ": local: window from ");

        Path restored = RestoredServers.home(root).resolve("restored");
        ControllerProcess.Run run = controller.run(env, "restore-pitr", SERVICE, "--latest", "--into",
                restored.toString(), "--start");
        int port = servers.started(run, restored);
        String rows = "SELECT count(*) || ' ' || md5(string_agg(batch || ':' || n || pad, ',' ORDER BY batch, n))"
                + " FROM big";
        assertThat(RestoredServers.query(source.cluster(), port, rows)).isEqualTo(source.cluster().psql(rows));
    }
}
