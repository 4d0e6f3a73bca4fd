package org.pgbackup.internal.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.exceptionfactory.jagged.x25519.X25519KeyPairGenerator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.pgbackup.encryption.Encryption;
import org.pgbackup.error.ArchiveCorruptException;
import org.pgbackup.error.ArchiveNotFoundException;
import org.pgbackup.internal.postgres.PgConnection;
import org.pgbackup.spi.Storage;
import org.pgbackup.spi.StoredObject;
import org.pgbackup.storage.testkit.InMemoryStorage;

/**
 * Point-in-time recovery, proved the way PostgreSQL proves it: a base backup
 * ({@link BaseBackup}) and the WAL streamed after it ({@link WalReceiver} into
 * {@link WalArchive}), written back by {@link PitrRestore} into a directory, and a real server
 * started on it: it holds every row written up to the target, as the source has them, and
 * none after; a gap in the archive refuses a target past it before anything is written.
 */
class PointInTimeRecoveryTest {
    private static final Duration BOUND = Duration.ofSeconds(60);
    private static final String SLOT = SlotName.of("shop");

    @RegisterExtension
    final RealServer real = new RealServer();
    private ScratchServer source;
    private final List<ScratchServer> restored = new ArrayList<>();
    private Path root;
    private final InMemoryStorage storage = new InMemoryStorage();
    private final Map<String, Storage> destinations = Map.of("memory", storage);
    /** How the test's base backups and WAL are stored, and opened again. */
    private Encryption encryption = Encryption.none();

    @BeforeEach
    void source() {
        source = real.server();
        root = real.root();
    }

    @AfterEach
    void stopRestored() {
        restored.forEach(ScratchServer::close);
    }

    private PgConnection connection() {
        return real.connection();
    }

    private void write(int rows) {
        source.sql("INSERT INTO ticks (pad) SELECT repeat('x', 100) FROM generate_series(1, " + rows + ")");
    }

    /** Starts streaming the source's WAL into a spool, and waits until its slot is in use. */
    private WalReceiver streamInto(WalSpool spool) {
        WalReceiver receiver = WalReceiver.start(connection(), source.bin().resolve("pg_receivewal"),
                source.bin().resolve("psql"), SLOT, spool, Duration.ofSeconds(2));
        await("the slot to stream").atMost(BOUND).until(() -> source.sql("SELECT active FROM pg_replication_slots"
                + " WHERE slot_name = '" + SLOT + "'").equals("t"));
        return receiver;
    }

    /** Streams and archives WAL while writing: 2000 rows, a base backup, 3000 rows, the target, 1000 rows later. */
    private String archiveAroundATarget(WalArchive archive) throws Exception {
        WalSpool spool = new WalSpool(root.resolve("spool"));
        String target;
        try (WalReceiver receiver = streamInto(spool)) {
            write(2000);
            Map<String, String> failed = new HashMap<>();
            BaseBackup.Taken base = BaseBackup.take(connection(), source.bin().resolve("pg_basebackup"), "shop",
                    destinations, encryption, Clock.systemUTC(), failed, out -> out);
            assertThat(failed).isEmpty();
            assertThat(base.destinations()).containsExactly("memory");
            write(3000);
            // A time after the rows' commit, which is what recovery compares with the target, not the rows' stamps.
            target = source.sql("SELECT clock_timestamp()");
            String covering = source.sql("SELECT file_name FROM pg_walfile_name_offset(pg_switch_wal())");
            await(covering + " spooled").atMost(BOUND).until(() -> spool.finished().contains(covering));
            storeAll(archive, spool);
            // Later rows, archived later, in segments of their own.
            for (int i = 0; i < 3; i++) {
                write(1000 / 3 + (i == 0 ? 1 : 0));
                String later = source.sql("SELECT file_name FROM pg_walfile_name_offset(pg_switch_wal())");
                await(later + " spooled").atMost(BOUND).until(() -> spool.finished().contains(later));
            }
        }
        storeAll(archive, spool);
        return target;
    }

    private static void storeAll(WalArchive archive, WalSpool spool) throws IOException {
        for (String name : spool.finished()) {
            assertThat(archive.store("shop", name, spool.file(name), new HashMap<>())).containsExactly("memory");
            spool.remove(name);
        }
    }

    /** The rows up to a time, as a count and a fingerprint of their contents. */
    private static String rowsUpTo(ScratchServer server, String time) {
        return server.sql("SELECT count(*) || ' ' || md5(string_agg(id || at::text || pad, ',' ORDER BY id))"
                + " FROM ticks WHERE at <= '" + time + "'");
    }

    private static Instant instant(String serverTime) {
        return OffsetDateTime.parse(serverTime.replace(' ', 'T') + ":00").toInstant();
    }

    /** The plan of a restore of service {@code shop} from the test's destination. */
    private PitrRestore.Plan plan(WalArchive archive, Optional<Instant> target) throws IOException {
        return PitrRestore.plan(archive, storage, "memory", "shop", target, root);
    }

    private ScratchServer restore(WalArchive archive, PitrRestore.Plan plan) throws IOException {
        return restore(archive, plan, "restored");
    }

    /** Writes a planned restore into {@code <name>/data}, starts a server on it and waits until it has promoted. */
    private ScratchServer restore(WalArchive archive, PitrRestore.Plan plan, String name) throws IOException {
        Path data = root.resolve(name).resolve("data");
        PitrRestore.write(plan, archive, storage, "memory", "shop", encryption, data, (wal, segments, major) ->
                NewestCommit.in(source.bin().resolve("pg_waldump"), wal, segments, connection().runner()), in -> in);
        ScratchServer server = ScratchServer.startOn(data);
        restored.add(server);
        await(name + " to promote").atMost(BOUND).until(() -> server.sql("SELECT pg_is_in_recovery()").equals("f"));
        return server;
    }

    @Test
    void aServerStartedOnTheRestoredDirectoryRecoversToTheTargetTimeAndNoFurther() throws Exception {
        WalArchive archive = new WalArchive(destinations, Encryption.none());
        String target = archiveAroundATarget(archive);
        String expected = rowsUpTo(source, target);
        assertThat(expected).startsWith("5000 ");
        assertThat(source.sql("SELECT count(*) FROM ticks WHERE at > '" + target + "'")).isEqualTo("1000");

        PitrRestore.Plan plan = plan(archive, Optional.of(instant(target)));
        ScratchServer server = restore(archive, plan);

        assertThat(rowsUpTo(server, target)).as("every row up to the target, as the source has them; the restored"
                + " server's log:%n%s", server.log()).isEqualTo(expected);
        assertThat(server.sql("SELECT count(*) FROM ticks WHERE at > '" + target + "'")).as("no row after it")
                .isEqualTo("0");
        assertThat(Files.readString(root.resolve("restored/data/backup_label.old")))
                .contains("START WAL LOCATION: " + plan.base().start() + " ");
    }

    @Test
    void withAgeOnNothingStoredIsReadableWithoutTheKeyAndTheRestoreWithItRecoversToTheTarget() throws Exception {
        KeyPair key = new X25519KeyPairGenerator().generateKeyPair();
        Path identity = Files.writeString(root.resolve("age-identity"), key.getPrivate() + "\n");
        encryption = Encryption.age(List.of(key.getPublic().toString())).withIdentityFile(identity);
        WalArchive archive = new WalArchive(destinations, encryption);
        String target = archiveAroundATarget(archive);
        String expected = rowsUpTo(source, target);

        assertThat(storage.list("shop/base.backup")).extracting(StoredObject::name)
                .anyMatch(name -> name.endsWith(".tar.zst.age"));
        assertThat(storage.list("shop/wal.archive")).extracting(StoredObject::name)
                .filteredOn(name -> name.endsWith(".zst.age")).hasSizeGreaterThanOrEqualTo(4);
        for (String directory : List.of("shop/wal.archive", "shop/base.backup")) {
            for (StoredObject object : storage.list(directory)) {
                if (object.name().endsWith(".age")) {
                    assertThat(new String(storage.bytes(directory, object.name()).orElseThrow(), 0, 21,
                            StandardCharsets.US_ASCII)).as(object.name()).isEqualTo("age-encryption.org/v1");
                } else {
                    assertThat(object.name()).as("only checksums and manifests are plain").matches(".*\\.(sha256|json)");
                }
            }
        }
        ScratchServer server = restore(archive, plan(archive, Optional.of(instant(target))));
        assertThat(rowsUpTo(server, target)).as(server.log()).isEqualTo(expected);
    }

    @Test
    void aMissingSegmentRefusesATargetAfterItBeforeWritingAndOneBeforeItStillRestores() throws Exception {
        WalArchive archive = new WalArchive(destinations, Encryption.none());
        String target = archiveAroundATarget(archive);
        String expected = rowsUpTo(source, target);
        List<String> segments = archive.archived("shop", "memory").stream().filter(n -> n.length() == 24).toList();
        String lost = segments.get(segments.size() - 2);
        storage.delete("shop/wal.archive", lost + ".sha256");

        assertThatThrownBy(() -> plan(archive, Optional.empty()))
                .isInstanceOf(ArchiveCorruptException.class)
                .hasMessageContaining("cannot be restored to the latest time from base backup base_")
                .hasMessageContaining(": WAL segment " + lost + " is missing from memory, and recovery reads every"
                        + " segment from the base backup on. Nothing was written");
        assertThat(root.resolve("restored")).doesNotExist();
        Instant before = archive.archivedAt("shop", "memory").values().stream().min(Comparator.naturalOrder())
                .orElseThrow().minusSeconds(3600);
        assertThatThrownBy(() -> plan(archive, Optional.of(before)))
                .isInstanceOf(ArchiveNotFoundException.class)
                .hasMessageContaining(": that is before its window, which starts at ");
        Instant after = Instant.now().plusSeconds(3600);
        assertThatThrownBy(() -> plan(archive, Optional.of(after)))
                .isInstanceOf(ArchiveNotFoundException.class)
                .hasMessageContaining(": that is after the last archived WAL, ");

        ScratchServer server = restore(archive, plan(archive, Optional.of(instant(target))));
        assertThat(rowsUpTo(server, target)).as(server.log()).isEqualTo(expected);
    }

    @Test
    void aTargetAfterTheLastCommitOfAnIdleServerRestoresTheStateAtTheTarget() throws Exception {
        WalArchive archive = new WalArchive(destinations, Encryption.none());
        WalSpool spool = new WalSpool(root.resolve("spool"));
        String target;
        try (WalReceiver receiver = streamInto(spool)) {
            Map<String, String> failed = new HashMap<>();
            BaseBackup.take(connection(), source.bin().resolve("pg_basebackup"), "shop", destinations, encryption,
                    Clock.systemUTC(), failed, out -> out);
            write(3000);
            // Nothing is committed after the target: recovery finds no transaction end after it.
            target = source.sql("SELECT clock_timestamp()");
            String segment = source.sql("SELECT file_name FROM pg_walfile_name_offset(pg_switch_wal())");
            await(segment + " spooled").atMost(BOUND).until(() -> spool.finished().contains(segment));
        }
        storeAll(archive, spool);
        String expected = rowsUpTo(source, target);

        ScratchServer server = restore(archive, plan(archive, Optional.of(instant(target))));

        assertThat(rowsUpTo(server, target)).as(server.log()).isEqualTo(expected);
        assertThat(server.sql("SELECT count(*) FROM ticks")).isEqualTo(source.sql("SELECT count(*) FROM ticks"));
    }

    @Test
    void theNewestSegmentMissingBeforeAStoredPartialCopyIsNamedNotTakenForTheEnd() throws Exception {
        WalArchive archive = new WalArchive(destinations, Encryption.none());
        archiveAroundATarget(archive);
        List<String> segments = archive.archived("shop", "memory").stream().filter(n -> n.length() == 24).toList();
        String newest = segments.get(segments.size() - 1);
        WalSegment next = new WalSegment(1, WalSegment.parse(newest, 16L << 20).orElseThrow().number() + 1, 16L << 20);
        Path copy = root.resolve("copy");
        archive.fetch("shop", "memory", newest, copy, in -> in);
        // The segment after it was being written when the controller last stored it.
        assertThat(archive.store("shop", next.name() + ".partial", copy, new HashMap<>())).containsExactly("memory");
        storage.delete("shop/wal.archive", newest + ".sha256");

        assertThatThrownBy(() -> plan(archive, Optional.empty()))
                .isInstanceOf(ArchiveCorruptException.class)
                .hasMessageContaining(": WAL segment " + newest + " is missing from memory");
    }

    /**
     * The restored server promotes onto timeline 2 and its WAL streams into the same archive,
     * history file included: a restore to a time on timeline 2 follows the history from the
     * timeline-1 base backup, across the switch, past the timeline-1 segments the first restore
     * left behind.
     */
    @Test
    void aRestoreToATimeOnTheRestoredServersNewTimelineFollowsItsHistory() throws Exception {
        WalArchive archive = new WalArchive(destinations, Encryption.none());
        String first = archiveAroundATarget(archive);
        ScratchServer promoted = restore(archive, plan(archive, Optional.of(instant(first))));
        assertThat(promoted.sql("SELECT timeline_id FROM pg_control_checkpoint()")).isEqualTo("2");

        WalSpool spool = new WalSpool(root.resolve("spool-2"));
        String second;
        try (WalReceiver receiver = WalReceiver.start(new PgConnection(promoted.service("shop"), real.runner()),
                promoted.bin().resolve("pg_receivewal"), promoted.bin().resolve("psql"), SLOT, spool,
                Duration.ofSeconds(2))) {
            await("timeline 2's history spooled").atMost(BOUND).until(() -> spool.finished()
                    .contains("00000002.history"));
            promoted.sql("INSERT INTO ticks (pad) SELECT 'timeline 2' FROM generate_series(1, 700)");
            second = promoted.sql("SELECT clock_timestamp()");
            promoted.sql("SELECT pg_sleep(0.3); INSERT INTO ticks (pad) SELECT 'too late' FROM generate_series(1, 50)");
            String last = promoted.sql("SELECT file_name FROM pg_walfile_name_offset(pg_switch_wal())");
            assertThat(last).startsWith("00000002");
            await(last + " spooled").atMost(BOUND).until(() -> spool.finished().contains(last));
        }
        storeAll(archive, spool);
        String expected = rowsUpTo(promoted, second);
        assertThat(expected).startsWith("5700 ");

        PitrRestore.Plan plan = plan(archive, Optional.of(instant(second)));
        assertThat(plan.files()).contains("00000002.history");
        ScratchServer again = restore(archive, plan, "restored-again");

        assertThat(rowsUpTo(again, second)).as(again.log()).isEqualTo(expected);
        assertThat(again.sql("SELECT count(*) FROM ticks WHERE pad = 'too late'")).isEqualTo("0");
    }

    @Test
    void aServerWithAnotherTablespaceIsRefusedAndNothingIsStored() throws IOException {
        Path space = Files.createDirectories(root.resolve("space"));
        ScratchServer.giveToServer(space);
        source.sql("CREATE TABLESPACE extra LOCATION '" + space + "'");

        assertThatThrownBy(() -> BaseBackup.take(connection(), source.bin().resolve("pg_basebackup"), "shop",
                destinations, Encryption.none(), Clock.systemUTC(), new HashMap<>(), out -> out))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("Service 'shop' has tablespaces besides pg_default and pg_global, and a base"
                        + " backup streams one: point-in-time recovery is not offered for such a server (");
        assertThat(storage.list("shop/base.backup")).isEmpty();
        // The server's sender notices the refused client a moment after it has gone.
        await("the refused backup's WAL sender to end").atMost(BOUND).until(() -> source.sql(
                "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'walsender'").equals("0"));
    }
}
