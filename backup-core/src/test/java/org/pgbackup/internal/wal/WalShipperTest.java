package org.pgbackup.internal.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.pgbackup.encryption.Encryption;
import org.pgbackup.storage.testkit.InMemoryStorage;

/** {@link WalShipper} between a real server's streamed WAL and two destinations, one of which fails for a while. */
class WalShipperTest {
    private static final Duration BOUND = Duration.ofSeconds(60);

    @RegisterExtension
    final RealServer real = new RealServer();
    private final InMemoryStorage near = new InMemoryStorage();
    private final InMemoryStorage far = new InMemoryStorage();
    private final WalArchive archive = new WalArchive(Map.of("near", near, "far", far), Encryption.none());
    private ScratchServer server;
    private WalSpool spool;
    private Path root;

    @BeforeEach
    void spool() {
        server = real.server();
        root = real.root();
        spool = new WalSpool(root.resolve("spool"));
    }

    private String[] writeAndSwitch() {
        RealServer.Switched switched = real.writeAndSwitch(500);
        return new String[] {switched.segment(), Integer.toString(switched.length())};
    }

    private Set<String> archived(String destination) {
        try {
            return archive.archived("shop", destination);
        } catch (IOException e) {
            return Set.of();
        }
    }

    private static byte[] head(Path file, int length) throws IOException {
        return Arrays.copyOf(Files.readAllBytes(file), length);
    }

    @Test
    void finishedSegmentsLeaveTheSpoolOnceEveryDestinationHoldsThemAndTheCurrentOneIsStoredAsPartial()
            throws Exception {
        try (WalReceiver receiver = WalReceiver.start(real.connection(), server.bin().resolve("pg_receivewal"),
                server.bin().resolve("psql"), SlotName.of("shop"), spool, Duration.ofSeconds(2));
                WalShipper shipper = WalShipper.start("shop", spool, archive, Set.of("near", "far"),
                        Duration.ofMillis(200), Duration.ZERO, Clock.systemUTC())) {
            String[] first = writeAndSwitch();
            await(first[0] + " in both destinations and out of the spool").atMost(BOUND).until(() ->
                    archived("far").contains(first[0]) && archived("near").contains(first[0])
                            && !spool.finished().contains(first[0]));
            Path fetched = root.resolve("fetched");
            archive.fetch("shop", "far", first[0], fetched, in -> in);
            int length = Integer.parseInt(first[1]);
            assertThat(head(fetched, length)).as("what the server wrote into " + first[0])
                    .isEqualTo(head(server.data().resolve("pg_wal").resolve(first[0]), length));

            // The segment being written: stored as <segment>.partial, what the server wrote so far.
            String[] current = server.sql("INSERT INTO ticks (pad) VALUES ('now'); SELECT file_name || ' ' ||"
                    + " file_offset FROM pg_walfile_name_offset(pg_current_wal_insert_lsn())").split(" ");
            int written = Integer.parseInt(current[1]);
            Path partial = root.resolve("partial");
            await(current[0] + ".partial stored with the row").atMost(BOUND).until(() -> {
                if (!archived("near").contains(current[0] + ".partial")) {
                    return false;
                }
                archive.fetch("shop", "near", current[0] + ".partial", partial, in -> in);
                return Arrays.equals(head(partial, written), head(server.data().resolve("pg_wal")
                        .resolve(current[0]), written));
            });
            assertThat(archived("near")).doesNotContain(current[0]);

            // A destination that is down keeps the segment in the spool until it is back.
            far.failAll("far is down");
            String[] second = writeAndSwitch();
            await(second[0] + " in near").atMost(BOUND).until(() -> archived("near").contains(second[0]));
            assertThat(spool.finished()).as("kept for far").contains(second[0]);
            far.failAll(null);
            await(second[0] + " in far and out of the spool").atMost(BOUND).until(() ->
                    archived("far").contains(second[0]) && !spool.finished().contains(second[0]));
            assertThat(archived("far")).as("the partial copy goes once the segment is whole")
                    .doesNotContain(current[0] + ".partial");
            assertThat(shipper.shipped()).isGreaterThanOrEqualTo(2);
        }
    }
}
