package org.pgbackup.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.pgbackup.config.Configuration;
import org.pgbackup.controller.BackupController;
import org.pgbackup.controller.PointInTimeRecovery;
import org.pgbackup.controller.ProgressListener;
import org.pgbackup.controller.ProgressListener.Phase;
import org.pgbackup.error.CancelledException;
import org.pgbackup.error.StreamingNotReadyException;
import org.pgbackup.pitr.BaseBackupResult;
import org.pgbackup.pitr.PitrRestoreOptions;
import org.pgbackup.pitr.PitrRestoreResult;
import org.pgbackup.pitr.WalStream;

/**
 * Point-in-time recovery through {@code backup-core}'s API, as a JVM service embeds it: the
 * progress each call reports, checked against the bytes on disk and from {@code zstd} itself;
 * the slot a first base backup makes; and retention over days, on a clock the test moves, that
 * deletes what the window no longer needs and nothing a restore of the window reads.
 */
class PitrLibraryIT {
    private static final Duration BOUND = Duration.ofSeconds(120);
    private static final String SERVICE = "pitr-db";
    private static final String FINGERPRINT = "SELECT count(*) || ' ' || md5(string_agg(id || '|' || payload, ','"
            + " ORDER BY id)) FROM notes";

    @RegisterExtension
    ClusterExtension source = new ClusterExtension(SERVICE, "paula", "paula-pw", "shop", 0);

    @TempDir
    Path root;

    private final RestoredServers servers = new RestoredServers();

    @AfterEach
    void stopRestoredServers() {
        servers.close();
    }

    /** The system's clock moved by an offset the test sets: base backups are taken "days ago". */
    private static final class MovedClock extends Clock {
        private final AtomicReference<Duration> offset = new AtomicReference<>(Duration.ZERO);

        void daysAgo(int days) {
            offset.set(Duration.ofDays(-days));
        }

        @Override
        public Instant instant() {
            return Instant.now().plus(offset.get());
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }

    /** What a listener heard: the phases, and each phase's last total of bytes, checked never to go down. */
    private static class Heard implements ProgressListener {
        final List<Phase> phases = new CopyOnWriteArrayList<>();
        final Map<Phase, Long> totals = new ConcurrentHashMap<>();

        @Override
        public void phase(String service, Phase phase) {
            phases.add(phase);
        }

        @Override
        public void transferred(String service, long total) {
            Phase now = phases.get(phases.size() - 1);
            assertThat(total).as("bytes within %s", now).isGreaterThanOrEqualTo(totals.getOrDefault(now, 0L));
            totals.put(now, total);
        }
    }

    private BackupController client(Clock clock) {
        Map<String, String> env = source.env(root);
        env.put("PITR_DB_PITR", "true");
        env.put("PITR_RETENTION_DAYS", "7");
        return BackupController.open(Configuration.from(env), clock);
    }

    private Path baseBackups() {
        return root.resolve("data").resolve(SERVICE).resolve("base.backup");
    }

    private Path archive() {
        return root.resolve("data").resolve(SERVICE).resolve("wal.archive");
    }

    @Test
    void aFirstBaseBackupMakesTheSlotAndReportsItsPhasesAndEveryByteOfTheTarTheServerSent() throws IOException {
        PgCluster cluster = source.cluster();
        cluster.psql("CREATE TABLE notes AS SELECT g AS id, md5(g::text) AS payload FROM generate_series(1, 20000) g");
        assertThat(cluster.psql("SELECT count(*) FROM pg_replication_slots")).isEqualTo("0");
        Heard heard = new Heard();

        BaseBackupResult result;
        try (BackupController client = client(Clock.systemUTC())) {
            result = client.pointInTimeRecovery().baseBackup(SERVICE, heard);
        }

        assertThat(heard.phases).containsExactly(Phase.WAITING_FOR_LOCK, Phase.CONNECTING, Phase.BASE_BACKUP,
                Phase.APPLYING_RETENTION, Phase.FINISHED);
        assertThat(cluster.psql("SELECT slot_name || ' ' || slot_type FROM pg_replication_slots"))
                .startsWith("pg_backup_pitr_db_").endsWith(" physical");
        Path stored = baseBackups().resolve(result.backup().name() + ".tar.zst");
        assertThat(Files.size(stored)).isEqualTo(result.backup().size());
        assertThat(heard.totals.get(Phase.BASE_BACKUP)).as("every byte of the tar, as zstd reads it out of the"
                + " stored file").isEqualTo(plainLength(stored));
    }

    @Test
    void retentionOverDaysDeletesWhatTheWindowNoLongerNeedsAndARestoreOfItReportsEveryStoredByteItFetched()
            throws IOException {
        PgCluster cluster = source.cluster();
        cluster.psql("CREATE TABLE notes (id bigserial PRIMARY KEY, payload text NOT NULL)");
        MovedClock clock = new MovedClock();
        List<BaseBackupResult> bases = new ArrayList<>();
        List<String> archivedBeforeTheLast;
        Heard heard = new Heard();
        PitrRestoreResult restored;
        Path into = RestoredServers.home(root).resolve("restored");
        try (BackupController client = client(clock)) {
            PointInTimeRecovery pitr = client.pointInTimeRecovery();
            clock.daysAgo(12);
            bases.add(pitr.baseBackup(SERVICE));
            try (WalStream stream = pitr.stream(SERVICE)) {
                writeAndArchive(cluster, 1);
                clock.daysAgo(9);
                bases.add(pitr.baseBackup(SERVICE));
                writeAndArchive(cluster, 2);
                clock.daysAgo(3);
                bases.add(pitr.baseBackup(SERVICE));
                writeAndArchive(cluster, 3);
                archivedBeforeTheLast = segments();
                clock.daysAgo(0);
                bases.add(pitr.baseBackup(SERVICE));
                writeAndArchive(cluster, 4);
            }
            restored = pitr.restore(SERVICE, PitrRestoreOptions.latest().into(into).starting(), heard);
        }
        int port = servers.started(restored);

        // Seven days back from now, the base backup of 9 days ago is the one a restore to the window's start
        // reads: it stays, with every later one; the one of 12 days ago goes, with the WAL before the kept start.
        assertThat(bases).extracting(BaseBackupResult::deletedBaseBackups).containsExactly(0, 0, 0, 1);
        assertThat(stored(baseBackups())).containsExactlyInAnyOrderElementsOf(bases.subList(1, 4).stream()
                .flatMap(b -> Stream.of(b.backup().name() + ".tar.zst", b.backup().name() + ".json")).toList());
        String firstKept = cluster.psql("SELECT pg_walfile_name('" + bases.get(1).backup().startLsn() + "')");
        assertThat(archivedBeforeTheLast).as("segments older than the kept base backup's start, before the"
                + " sweep").anyMatch(name -> name.compareTo(firstKept) < 0);
        assertThat(segments()).as("after it").isNotEmpty().allMatch(name -> name.compareTo(firstKept) >= 0)
                .contains(firstKept);
        assertThat(bases.get(3).deletedWalFiles()).as("whole and partial copies before it").isEqualTo((int)
                archivedBeforeTheLast.stream().filter(name -> name.compareTo(firstKept) < 0).count());

        assertThat(heard.phases).containsExactly(Phase.WAITING_FOR_LOCK, Phase.RESTORING, Phase.RECOVERING,
                Phase.FINISHED);
        assertThat(restored.baseBackup().name()).isEqualTo(bases.get(3).backup().name());
        long fetched = Files.size(baseBackups().resolve(restored.baseBackup().name() + ".tar.zst"));
        for (String name : stored(into.resolve("pitr-wal"))) {
            Path whole = archive().resolve(name + ".zst");
            fetched += Files.size(Files.exists(whole) ? whole : archive().resolve(name + ".partial.zst"));
        }
        assertThat(heard.totals.get(Phase.RESTORING)).as("the stored bytes of the base backup and every WAL file"
                + " fetched").isEqualTo(fetched);
        assertThat(RestoredServers.query(cluster, port, FINGERPRINT)).as("every row, equal to the source's")
                .isEqualTo(cluster.psql(FINGERPRINT));
    }

    @Test
    void cancelledOnTheirFirstBytesABaseBackupKeepsNothingAndARestoreLeavesNoDirectory() throws IOException {
        PgCluster cluster = source.cluster();
        cluster.psql("CREATE TABLE notes AS SELECT g AS id, md5(g::text) AS payload FROM generate_series(1, 200000) g");
        Path into = RestoredServers.home(root).resolve("restored");
        try (BackupController client = client(Clock.systemUTC())) {
            PointInTimeRecovery pitr = client.pointInTimeRecovery();
            BaseBackupResult kept = pitr.baseBackup(SERVICE);
            try (WalStream stream = pitr.stream(SERVICE)) {
                writeAndArchive(cluster, 1);
            }
            List<String> before = stored(baseBackups());
            CancelsOnFirstBytes baseListener = new CancelsOnFirstBytes(client);

            assertThatThrownBy(() -> pitr.baseBackup(SERVICE, baseListener)).isInstanceOf(CancelledException.class);

            assertThat(baseListener.phases).endsWith(Phase.BASE_BACKUP, Phase.FINISHED);
            assertThat(stored(baseBackups())).as("only the earlier base backup").isEqualTo(before)
                    .contains(kept.backup().name() + ".json");
            CancelsOnFirstBytes restoreListener = new CancelsOnFirstBytes(client);

            assertThatThrownBy(() -> pitr.restore(SERVICE, PitrRestoreOptions.latest().into(into), restoreListener))
                    .isInstanceOf(CancelledException.class);

            assertThat(restoreListener.phases).endsWith(Phase.RESTORING, Phase.FINISHED);
            assertThat(into).doesNotExist();
        }
    }

    /** Cancels its client's operations when the first bytes flow. */
    private static final class CancelsOnFirstBytes extends Heard {
        private final BackupController client;

        CancelsOnFirstBytes(BackupController client) {
            this.client = client;
        }

        @Override
        public void transferred(String service, long total) {
            super.transferred(service, total);
            client.cancel();
        }
    }

    @Test
    void withTheSlotThereAPgHbaThatRefusesReplicationIsNamedAndNothingIsStored() throws IOException {
        PgCluster cluster = source.cluster();
        try (BackupController client = client(Clock.systemUTC())) {
            client.pointInTimeRecovery().baseBackup(SERVICE);
            List<String> before = stored(baseBackups());
            Path hba = cluster.dataDirectory().resolve("pg_hba.conf");
            Files.writeString(hba, Files.readAllLines(hba).stream()
                    .filter(line -> !line.matches("\\s*\\w+\\s+replication\\s.*")).collect(Collectors.joining("\n", "",
                            "\n")));
            cluster.psql("SELECT pg_reload_conf()");

            assertThatThrownBy(() -> client.pointInTimeRecovery().baseBackup(SERVICE))
                    .isInstanceOf(StreamingNotReadyException.class)
                    .hasMessageContaining("cannot take a base backup for point-in-time recovery: a replication"
                            + " connection was refused (")
                    .hasMessageContaining("add a line to pg_hba.conf such as 'host replication paula ");
            assertThat(stored(baseBackups())).isEqualTo(before);
        }
    }

    /** Commits rows, switches to a new WAL segment and waits until the finished one is archived. */
    private void writeAndArchive(PgCluster cluster, int round) {
        cluster.psql("INSERT INTO notes (payload) SELECT md5(g::text || '-" + round + "') FROM generate_series(1, 500)"
                + " g");
        String segment = cluster.psql("SELECT pg_walfile_name(pg_switch_wal())");
        Waiting.until("segment " + segment + " archived", BOUND,
                () -> Files.exists(archive().resolve(segment + ".sha256")), () -> String.join(", ", segments()));
    }

    /** The segment of each archived WAL file, whole or partial copy, oldest first. */
    private List<String> segments() {
        return stored(archive()).stream().filter(name -> name.matches("[0-9A-F]{24}(\\.partial)?\\.zst"))
                .map(name -> name.substring(0, 24)).sorted().toList();
    }

    private static List<String> stored(Path directory) {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The length of what zstd decompresses out of a stored file. */
    private static long plainLength(Path stored) {
        ProcessBuilder zstd = new ProcessBuilder("bash", "-c", "zstd -d -q -c '" + stored + "' | wc -c");
        return Long.parseLong(Exec.run(zstd, null).requireSuccess("zstd").stdout().strip());
    }
}
