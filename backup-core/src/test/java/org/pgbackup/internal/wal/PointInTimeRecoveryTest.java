package org.pgbackup.internal.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.github.luben.zstd.ZstdInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pgbackup.encryption.Encryption;
import org.pgbackup.internal.postgres.PgConnection;
import org.pgbackup.internal.process.ProcessRunner;
import org.pgbackup.spi.Storage;
import org.pgbackup.storage.testkit.InMemoryStorage;

/**
 * What the pieces store is enough for point-in-time recovery, proved the way PostgreSQL
 * proves it: a base backup ({@link BaseBackup}) and the WAL streamed after it
 * ({@link WalReceiver} into {@link WalArchive}), taken back out by hand as an operator would
 * (the tar unpacked with {@code tar}, the segments fetched), and a server started on them with
 * a recovery target: it holds every row written up to the target and none after.
 */
class PointInTimeRecoveryTest {
    private static final Duration BOUND = Duration.ofSeconds(60);
    private static final String SLOT = SlotName.of("shop");

    @TempDir
    Path root;
    private ScratchServer source;
    private ScratchServer restored;
    private final ProcessRunner runner = new ProcessRunner();
    private final InMemoryStorage storage = new InMemoryStorage();
    private final Map<String, Storage> destinations = Map.of("memory", storage);

    @BeforeEach
    void startSource() throws IOException {
        source = ScratchServer.start(root.resolve("source"));
        source.sql("CREATE TABLE ticks (id serial PRIMARY KEY, at timestamptz NOT NULL DEFAULT clock_timestamp(),"
                + " pad text)");
    }

    @AfterEach
    void stop() {
        runner.stopAll();
        if (restored != null) {
            restored.close();
        }
        source.close();
    }

    private PgConnection connection() {
        return new PgConnection(source.service("shop"), runner);
    }

    private void write(int rows) {
        source.sql("INSERT INTO ticks (pad) SELECT repeat('x', 100) FROM generate_series(1, " + rows + ")");
    }

    @Test
    void aServerStartedOnTheBaseBackupAndTheArchivedWalRecoversToTheTargetTimeAndNoFurther() throws Exception {
        WalArchive archive = new WalArchive(destinations, Encryption.none());
        WalSpool spool = new WalSpool(root.resolve("spool"));
        BaseBackup.Taken base;
        String target;
        try (WalReceiver receiver = WalReceiver.start(connection(), source.bin().resolve("pg_receivewal"),
                source.bin().resolve("psql"), SLOT, spool, Duration.ofSeconds(2))) {
            await("the slot to stream").atMost(BOUND).until(() -> source.sql("SELECT active FROM pg_replication_slots"
                    + " WHERE slot_name = '" + SLOT + "'").equals("t"));
            write(2000);
            Map<String, String> failed = new HashMap<>();
            base = BaseBackup.take(connection(), source.bin().resolve("pg_basebackup"), "shop", destinations,
                    Encryption.none(), Clock.systemUTC(), failed);
            assertThat(failed).isEmpty();
            assertThat(base.destinations()).containsExactly("memory");
            write(3000);
            // A time after the rows' commit, which is what recovery compares with the target, not the rows' stamps.
            target = source.sql("SELECT clock_timestamp()");
            // Rows after the target, later by the server's own clock.
            source.sql("SELECT pg_sleep(0.3)");
            write(1000);
            String last = source.sql("SELECT file_name FROM pg_walfile_name_offset(pg_switch_wal())");
            await(last + " spooled").atMost(BOUND).until(() -> spool.finished().contains(last));
        }
        for (String name : spool.finished()) {
            assertThat(archive.store("shop", name, spool.file(name), new HashMap<>())).containsExactly("memory");
        }
        String expected = source.sql("SELECT count(*) || ' ' || md5(string_agg(id || at::text || pad, ',' ORDER BY id))"
                + " FROM ticks WHERE at <= '" + target + "'");
        long later = Long.parseLong(source.sql("SELECT count(*) FROM ticks WHERE at > '" + target + "'"));
        assertThat(later).isEqualTo(1000);

        Path data = unpack(base);
        Path wal = Files.createDirectories(root.resolve("restore-wal"));
        for (String name : archive.archived("shop", "memory")) {
            archive.fetch("shop", "memory", name, wal.resolve(name));
        }
        Files.writeString(data.resolve("postgresql.auto.conf"), "restore_command = 'cp " + wal + "/%f %p'\n"
                + "recovery_target_time = '" + target + "'\nrecovery_target_action = 'promote'\n");
        Files.createFile(data.resolve("recovery.signal"));
        wal.toFile().setReadable(true, false);
        restored = ScratchServer.startOn(data);
        await("the restored server to promote").atMost(BOUND).until(() -> restored.sql("SELECT pg_is_in_recovery()")
                .equals("f"));

        assertThat(restored.sql("SELECT count(*) || ' ' || md5(string_agg(id || at::text || pad, ',' ORDER BY id))"
                + " FROM ticks WHERE at <= '" + target + "'")).as("every row up to the target, as the source has them; the restored server's log:%n%s", restored.log())
                .isEqualTo(expected);
        assertThat(restored.sql("SELECT count(*) FROM ticks WHERE at > '" + target + "'")).as("no row after it")
                .isEqualTo("0");
        assertThat(expected).startsWith("5000 ");
    }

    /** The stored tar, read with zstd-jni and unpacked with {@code tar}, as an operator would. */
    private Path unpack(BaseBackup.Taken base) throws IOException, InterruptedException {
        byte[] stored = storage.bytes("shop/base.backup", base.name() + ".tar.zst").orElseThrow();
        Path tar = root.resolve("base.tar");
        Files.write(tar, new ZstdInputStream(new ByteArrayInputStream(stored)).readAllBytes());
        Path data = Files.createDirectories(root.resolve("restored").resolve("data"));
        Process untar = new ProcessBuilder("tar", "-xf", tar.toString(), "-C", data.toString()).inheritIO().start();
        assertThat(untar.waitFor()).as("tar -x").isZero();
        String label = Files.readString(data.resolve("backup_label"));
        assertThat(label).contains("START WAL LOCATION: " + base.start() + " ").contains("START TIMELINE: "
                + base.timeline() + "\n");
        String manifest = new String(storage.bytes("shop/base.backup", base.name() + ".json").orElseThrow());
        assertThat(manifest).contains("\"startLsn\": \"" + base.start() + "\"").contains("\"endLsn\": \"" + base.end()
                + "\"").contains("\"sha256\": \"" + base.sha256() + "\"");
        assertThat(base.end().compareTo(base.start())).isPositive();
        return data;
    }

    @Test
    void aServerWithAnotherTablespaceIsRefusedAndNothingIsStored() throws IOException {
        Path space = Files.createDirectories(root.resolve("space"));
        ScratchServer.giveToServer(space);
        source.sql("CREATE TABLESPACE extra LOCATION '" + space + "'");

        assertThatThrownBy(() -> BaseBackup.take(connection(), source.bin().resolve("pg_basebackup"), "shop",
                destinations, Encryption.none(), Clock.systemUTC(), new HashMap<>()))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("Service 'shop' has tablespaces besides pg_default and pg_global, and a base"
                        + " backup streams one: point-in-time recovery is not offered for such a server (");
        assertThat(storage.list("shop/base.backup")).isEmpty();
        assertThat(List.of(source.sql("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'walsender'")))
                .containsExactly("0");
    }
}
