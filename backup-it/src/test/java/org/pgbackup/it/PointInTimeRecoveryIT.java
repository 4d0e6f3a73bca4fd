package org.pgbackup.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Point-in-time recovery through the command line, as an operator runs it: {@code start}
 * streams a real server's WAL and takes the first base backup while a row is committed every
 * 100 ms; {@code restore-pitr --to T --start} then brings up a server in a new directory that
 * holds exactly the source's rows committed up to T. Once to the local volume, once to a bucket
 * alone with age encryption on.
 */
class PointInTimeRecoveryIT {
    private static final Duration BOUND = Duration.ofSeconds(120);
    private static final String SERVICE = "pitr-db";
    /** The rows, in one string, as both servers compute it. */
    private static final String FINGERPRINT = "SELECT count(*) || ' ' || coalesce(md5(string_agg(id || '|' || at || '|'"
            + " || payload, ',' ORDER BY id)), '-') FROM ticks";

    static ControllerProcess controller = ControllerProcess.fromSystemProperty();
    @RegisterExtension
    static S3Extension s3 = new S3Extension("pitr");
    @RegisterExtension
    ClusterExtension source = new ClusterExtension(SERVICE, "paula", "paula-pw", "shop", 0);

    @TempDir
    Path root;
    @TempDir
    Path output;

    private Process writer;
    private final RestoredServers servers = new RestoredServers();

    @BeforeEach
    void writeARowEvery100Milliseconds() throws IOException {
        PgCluster cluster = source.cluster();
        cluster.psql("CREATE TABLE ticks (id bigserial PRIMARY KEY, at timestamptz NOT NULL DEFAULT clock_timestamp(),"
                + " payload text NOT NULL DEFAULT md5(random()::text))");
        ProcessBuilder builder = new ProcessBuilder(PgCluster.serverBinaries().resolve("psql").toString(),
                "--no-psqlrc", "--quiet", "--command=DO $$ BEGIN FOR i IN 1..100000 LOOP INSERT INTO ticks DEFAULT"
                        + " VALUES; COMMIT; PERFORM pg_sleep(0.1); END LOOP; END $$");
        builder.environment().putAll(cluster.shellEnvironment());
        builder.redirectErrorStream(true).redirectOutput(output.resolve("writer.log").toFile());
        writer = builder.start();
    }

    @AfterEach
    void stopWriterAndRestoredServers() {
        writer.destroyForcibly();
        servers.close();
    }

    private Map<String, String> streaming(Map<String, String> env) {
        env.put("MODE", "production");
        // No dump comes during the test: PITR is streamed on its own.
        env.put("BACKUP_SCHEDULE", "0 0 1 1 *");
        env.put("PITR_DB_PITR", "true");
        env.put("WAL_PARTIAL_SECONDS", "1");
        return env;
    }

    @Test
    void startStreamsAndRestorePitrRecoversExactlyTheRowsCommittedUpToTheTarget() throws IOException {
        Map<String, String> env = streaming(source.env(root));
        Path archive = root.resolve("data").resolve(SERVICE).resolve("wal.archive");
        Streamed streamed = streamAroundATarget(env, segment -> Files.exists(archive.resolve(segment + ".sha256")));
        String target = streamed.target();
        String expected = rowsUpTo(target);

        Path restored = RestoredServers.home(root).resolve("restored");
        ControllerProcess.Run run = controller.run(env, "restore-pitr", SERVICE, "--to", target, "--into",
                restored.toString(), "--start");

        int port = servers.started(run, restored);
        assertThat(run.stdout()).contains(SERVICE + ": restored base backup base_").contains(" from local into "
                + restored).contains("the server recovered and promoted");
        assertThat(query(port, FINGERPRINT)).as("every row up to T, equal to the source's, and none after")
                .isEqualTo(expected);
        assertThat(source.cluster().psql("SELECT count(*) > 0 FROM ticks WHERE at > '" + target
                + "'::timestamptz + interval '1 second'")).as("the source has rows after T + 1 s").isEqualTo("t");

        // health: the window, then the lag once nothing streams, then the gap.
        assertThat(controller.run(env, "dump", SERVICE).exitCode()).isZero();
        env.put("WAL_MAX_LAG", "1h");
        ControllerProcess.Run healthy = controller.run(env, "health");
        assertThat(healthy.exitCode()).as(healthy.toString()).isZero();
        assertThat(healthy.stdout()).contains("; point-in-time window ").contains(" in local");
        env.put("WAL_MAX_LAG", "1");
        ControllerProcess.Run lagging = controller.run(env, "health");
        assertThat(lagging.exitCode()).as(lagging.toString()).isEqualTo(1);
        assertThat(lagging.stdout()).contains("the last WAL in local was archived ").contains("more than WAL_MAX_LAG 1s");
        env.put("WAL_MAX_LAG", "1h");

        // A deleted segment: the latest is refused naming it, before anything is written.
        String deleted = streamed.switched().get(0);
        Path aside = root.resolve(deleted + ".sha256");
        Files.move(archive.resolve(deleted + ".sha256"), aside);
        Path refusedInto = RestoredServers.home(root).resolve("refused");
        ControllerProcess.Run refused = controller.run(env, "restore-pitr", SERVICE, "--latest", "--into",
                refusedInto.toString());
        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(1);
        assertThat(refused.errorLines()).singleElement().asString().contains("WAL segment " + deleted
                + " is missing from local").contains("Nothing was written");
        assertThat(refusedInto).doesNotExist();
        ControllerProcess.Run gap = controller.run(env, "health");
        assertThat(gap.exitCode()).as(gap.toString()).isEqualTo(1);
        assertThat(gap.stdout()).contains("the point-in-time window in local has a gap: ").contains("WAL segment "
                + deleted + " is missing from local");

        Files.move(aside, archive.resolve(deleted + ".sha256"));

        // The restored server, promoted onto timeline 2, becomes the service and streams into the same archive.
        Map<String, String> promoted = new java.util.HashMap<>(env);
        promoted.put("PITR_DB_POSTGRES_PORT", Integer.toString(port));
        String secondTarget;
        String expectedOnTimeline2;
        try (ControllerProcess.Background start = controller.start(Files.createDirectories(output.resolve("tl2")),
                promoted, "start")) {
            Waiting.until("a base backup on timeline 2", BOUND, () -> start.log().contains("timeline 2)"), start::log);
            query(port, "INSERT INTO ticks DEFAULT VALUES");
            query(port, "INSERT INTO ticks DEFAULT VALUES");
            query(port, "SELECT pg_sleep(0.2)");
            secondTarget = query(port, "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC',"
                    + " 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')");
            query(port, "SELECT pg_sleep(0.2)");
            query(port, "INSERT INTO ticks DEFAULT VALUES");
            expectedOnTimeline2 = query(port, FINGERPRINT + " WHERE at <= '" + secondTarget + "'::timestamptz");
            String segment = query(port, "SELECT pg_walfile_name(pg_switch_wal())");
            assertThat(segment).startsWith("00000002");
            Waiting.until("segment " + segment + " archived", BOUND, () -> Files.exists(archive.resolve(segment
                    + ".sha256")), start::log);
            assertThat(archive.resolve("00000002.history.sha256")).exists();
            start.terminate();
            assertThat(start.waitFor(BOUND)).as(start.log()).isNotEqualTo(-1);
        }
        Path second = RestoredServers.home(root).resolve("second");
        ControllerProcess.Run onTimeline2 = controller.run(promoted, "restore-pitr", SERVICE, "--to", secondTarget,
                "--into", second.toString(), "--start");
        assertThat(onTimeline2.exitCode()).as(onTimeline2.toString()).isZero();
        assertThat(query(servers.started(onTimeline2, second), FINGERPRINT)).as("the rows of timeline 2 up to its target")
                .isEqualTo(expectedOnTimeline2).isNotEqualTo(expected);

        // A directory that is not empty: refused without --yes; with it, its contents are moved aside, not lost.
        Path occupied = RestoredServers.home(root).resolve("occupied");
        Files.createDirectories(occupied);
        Files.writeString(occupied.resolve("keep.txt"), "the operator's file");
        ControllerProcess.Run notEmpty = controller.run(env, "restore-pitr", SERVICE, "--to", target, "--into",
                occupied.toString());
        assertThat(notEmpty.exitCode()).as(notEmpty.toString()).isEqualTo(2);
        assertThat(notEmpty.errorLines()).singleElement().asString().contains("it is not empty. Add --yes to move"
                + " its contents aside");
        assertThat(occupied.resolve("keep.txt")).hasContent("the operator's file");
        assertThat(occupied.resolve("PG_VERSION")).doesNotExist();
        ControllerProcess.Run replaced = controller.run(env, "restore-pitr", SERVICE, "--to", target, "--into",
                occupied.toString(), "--yes");
        assertThat(replaced.exitCode()).as(replaced.toString()).isZero();
        Path movedTo;
        try (var saves = Files.list(root.resolve("data").resolve(SERVICE).resolve(".pgbackup/pitr-aside"))) {
            movedTo = saves.findFirst().orElseThrow();
        }
        assertThat(replaced.stdout()).contains("moved the directory's earlier contents to " + movedTo);
        assertThat(movedTo.resolve("keep.txt")).hasContent("the operator's file");
        assertThat(occupied.resolve("keep.txt")).doesNotExist();
        assertThat(occupied.resolve("PG_VERSION")).exists();
        assertThat(occupied.resolve("recovery.signal")).exists();

        // Outside the window, or onto a running server's directory: refused, and nothing is changed.
        ControllerProcess.Run before = controller.run(env, "restore-pitr", SERVICE, "--to", "2000-01-01T00:00:00Z",
                "--into", refusedInto.toString());
        assertThat(before.exitCode()).as(before.toString()).isEqualTo(1);
        assertThat(before.errorLines()).singleElement().asString().contains("that is before its window, which starts"
                + " at ");
        Path live = source.cluster().dataDirectory();
        String pgVersion = Files.readString(live.resolve("PG_VERSION"));
        ControllerProcess.Run onLive = controller.run(env, "restore-pitr", SERVICE, "--to", target, "--into",
                live.toString(), "--yes");
        assertThat(onLive.exitCode()).as(onLive.toString()).isEqualTo(1);
        assertThat(onLive.errorLines()).singleElement().asString().contains("a server uses it (it holds"
                + " postmaster.pid)");
        assertThat(live.resolve("PG_VERSION")).hasContent(pgVersion);
        assertThat(source.cluster().psql("SELECT count(*) > 0 FROM ticks")).isEqualTo("t");
    }

    @Test
    void fromTheBucketAloneWithAgeEncryptionTheRestoreIsTheSame() throws IOException {
        AgeKey key = AgeKey.generate(root.resolve("key.txt"));
        Map<String, String> env = streaming(s3.env(source, root, "alone", "s3"));
        env.put("BACKUP_ENCRYPTION", "age");
        env.put("AGE_RECIPIENTS", key.publicKey());
        String prefix = "alone/" + SERVICE + "/";
        String target = streamAroundATarget(env, segment -> s3.server().keys("pitr").contains(prefix
                + "wal.archive/" + segment + ".sha256")).target();
        String expected = rowsUpTo(target);

        List<String> stored = s3.server().keys("pitr").stream().filter(k -> k.startsWith(prefix)).toList();
        assertThat(stored).as("base backups and WAL are age; only checksums and manifests are plain")
                .anySatisfy(k -> assertThat(k).startsWith(prefix + "base.backup/base_").endsWith(".tar.zst.age"))
                .anySatisfy(k -> assertThat(k).startsWith(prefix + "wal.archive/").endsWith(".zst.age"))
                .allSatisfy(k -> assertThat(k).matches(".*(\\.age|\\.sha256|\\.json)"));
        assertThat(root.resolve("data").resolve(SERVICE).resolve("wal.archive")).doesNotExist();

        Path restored = RestoredServers.home(root).resolve("restored");
        env.put("AGE_IDENTITY_FILE", key.identityFile().toString());
        ControllerProcess.Run run = controller.run(env, "restore-pitr", SERVICE, "--to", target, "--into",
                restored.toString(), "--start");

        int port = servers.started(run, restored);
        assertThat(run.stdout()).contains(" from s3 into " + restored);
        assertThat(query(port, FINGERPRINT)).isEqualTo(expected);
    }

    @Test
    void aServerThatCannotStreamIsNamedWithEveryFixAndDumpsStillWork() {
        PgCluster cluster = source.cluster();
        writer.destroyForcibly();
        cluster.psql("ALTER SYSTEM SET wal_level = minimal");
        cluster.psql("ALTER SYSTEM SET max_wal_senders = 0");
        cluster.stop();
        cluster.start();
        Map<String, String> env = streaming(source.env(root));

        ControllerProcess.Run refused = controller.run(env, "basebackup", SERVICE);

        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(2);
        assertThat(refused.errorLines()).singleElement().asString().contains("Service '" + SERVICE + "' at 127.0.0.1:"
                + cluster.port() + " cannot take a base backup").contains("wal_level is minimal (set wal_level ="
                + " replica").contains("no WAL sender is free (raise max_wal_senders").contains("Nothing was changed"
                + " on the server (no slot was created)");
        assertThat(cluster.psql("SELECT count(*) FROM pg_replication_slots")).isEqualTo("0");
        assertThat(root.resolve("data").resolve(SERVICE).resolve("base.backup")).doesNotExist();
        ControllerProcess.Run dump = controller.run(env, "dump", SERVICE);
        assertThat(dump.exitCode()).as(dump.toString()).isZero();
    }

    /**
     * Runs {@code start} until its first base backup is stored and some rows are written after
     * it, picks T between two commits, lets rows go on past T + 1 s, switches the WAL segment and
     * waits until that segment is archived; then stops the controller.
     *
     * @return T, as {@code restore-pitr --to} takes it, and the segments switched
     */
    private Streamed streamAroundATarget(Map<String, String> env, SegmentArchived archived) throws IOException {
        PgCluster cluster = source.cluster();
        try (ControllerProcess.Background start = controller.start(output, env, "start")) {
            Waiting.until("the first base backup", BOUND, () -> start.log().contains(SERVICE + ": base backup base_")
                    && start.log().contains(" stored in "), start::log);
            long after = Long.parseLong(cluster.psql("SELECT count(*) FROM ticks"));
            Waiting.until("20 rows after the base backup", BOUND, rows(after + 20), start::log);
            // Half way between the last commit and the next: the writer sleeps 100 ms between them.
            String target = cluster.psql("SELECT to_char((max(at) + interval '50 milliseconds') AT TIME ZONE 'UTC',"
                    + " 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') FROM ticks");
            Waiting.until("rows past T + 1.5 s", BOUND, () -> cluster.psql("SELECT count(*) >= 5 FROM ticks WHERE at > '"
                    + target + "'::timestamptz + interval '1.5 seconds'").equals("t"), start::log);
            // The segment holding T, then one more, each finished and archived whole.
            List<String> switched = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                long now = Long.parseLong(cluster.psql("SELECT count(*) FROM ticks"));
                Waiting.until("more rows", BOUND, rows(now + 3), start::log);
                String segment = cluster.psql("SELECT pg_walfile_name(pg_switch_wal())");
                Waiting.until("segment " + segment + " archived", BOUND, () -> {
                    try {
                        return archived.test(segment);
                    } catch (IOException e) {
                        return false;
                    }
                }, start::log);
                switched.add(segment);
            }
            assertThat(start.log()).contains(SERVICE + ": streaming WAL from 127.0.0.1:" + cluster.port())
                    .contains("set max_slot_wal_keep_size on the server");
            start.terminate();
            assertThat(start.waitFor(BOUND)).as(start.log()).isNotEqualTo(-1);
            return new Streamed(target, switched);
        }
    }

    /**
     * @param target T
     * @param switched the segments the test finished by switching, oldest first: the first holds T
     */
    private record Streamed(String target, List<String> switched) {
    }

    @FunctionalInterface
    private interface SegmentArchived {
        boolean test(String segment) throws IOException;
    }

    private BooleanSupplier rows(long atLeast) {
        return () -> Long.parseLong(source.cluster().psql("SELECT count(*) FROM ticks")) >= atLeast;
    }

    private String rowsUpTo(String target) {
        return source.cluster().psql(FINGERPRINT + " WHERE at <= '" + target + "'::timestamptz");
    }


    private String query(int port, String sql) {
        return RestoredServers.query(source.cluster(), port, sql);
    }
}
