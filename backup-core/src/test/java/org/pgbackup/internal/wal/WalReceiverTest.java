package org.pgbackup.internal.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link WalReceiver} against a real server: what it spools is the server's WAL, with no gap, across restarts. */
class WalReceiverTest {
    private static final Duration BOUND = Duration.ofSeconds(60);
    private static final String SLOT = SlotName.of("shop");

    @RegisterExtension
    final RealServer real = new RealServer();
    private ScratchServer server;
    private WalSpool spool;

    @BeforeEach
    void spool() {
        server = real.server();
        spool = new WalSpool(real.root().resolve("spool"));
    }

    private WalReceiver receiver() {
        return WalReceiver.start(real.connection(), server.bin().resolve("pg_receivewal"), server.bin().resolve("psql"),
                SLOT, spool, Duration.ofSeconds(2));
    }

    /** Writes rows, then ends the segment; the segment's name and the length of what the server wrote into it. */
    private String[] writeAndSwitch() {
        RealServer.Switched switched = real.writeAndSwitch(500);
        return new String[] {switched.segment(), Integer.toString(switched.length())};
    }

    private void awaitFinished(String segment) {
        await(segment + " finished in the spool").atMost(BOUND).until(() -> spool.finished().contains(segment));
    }

    /** Writes a row; once the segment it went to is being received, that segment's name. */
    private String awaitPartial() {
        String segment = server.sql("INSERT INTO ticks (pad) VALUES ('one');"
                + " SELECT pg_walfile_name(pg_current_wal_insert_lsn())");
        await(segment + " being received").atMost(BOUND)
                .until(() -> spool.partial().equals(Optional.of(segment + ".partial")));
        return segment;
    }

    /** The first bytes of a file: what the server had written of a segment when it switched to the next. */
    private static byte[] head(Path file, int length) throws IOException {
        return Arrays.copyOf(Files.readAllBytes(file), length);
    }

    private void assertSpooledAsTheServerWroteIt(String[] switched) throws IOException {
        int length = Integer.parseInt(switched[1]);
        assertThat(length).isPositive();
        assertThat(Files.size(spool.file(switched[0]))).isEqualTo(ScratchServer.SEGMENT_SIZE);
        assertThat(head(spool.file(switched[0]), length)).as("the spooled %s against the server's", switched[0])
                .isEqualTo(head(server.data().resolve("pg_wal").resolve(switched[0]), length));
    }

    private static Set<String> segmentsBetween(String first, String last) {
        WalSegment from = WalSegment.parse(first, ScratchServer.SEGMENT_SIZE).orElseThrow();
        WalSegment to = WalSegment.parse(last, ScratchServer.SEGMENT_SIZE).orElseThrow();
        Set<String> all = new java.util.TreeSet<>();
        for (WalSegment s = from; s.number() <= to.number(); s = s.next()) {
            all.add(s.toString());
        }
        return all;
    }

    @Test
    void spoolsEverySegmentAsTheServerWroteItWithNoGapAcrossAServerRestart() throws Exception {
        try (WalReceiver receiver = receiver()) {
            await("the slot to stream").atMost(BOUND).until(() -> server.sql("SELECT active FROM"
                    + " pg_replication_slots WHERE slot_name = '" + SLOT + "'").equals("t"));
            String[] first = writeAndSwitch();
            awaitFinished(first[0]);
            assertSpooledAsTheServerWroteIt(first);

            server.pgCtl("restart");
            String[] afterRestart = writeAndSwitch();
            awaitFinished(afterRestart[0]);
            assertSpooledAsTheServerWroteIt(afterRestart);
            assertThat(receiver.starts()).as("pg_receivewal started again after the server's restart")
                    .isGreaterThanOrEqualTo(2);

            List<String> finished = spool.finished();
            assertThat(finished).containsAll(segmentsBetween(first[0], afterRestart[0]));
            String current = awaitPartial();
            assertThat(finished).doesNotContain(current).doesNotContain(current + ".partial");
            assertThat(receiver.slotsRecreated()).isZero();
        }
        // The server's sender notices the stopped client a moment after it has gone.
        await("no sender left once closed").atMost(BOUND).until(() -> server.sql(
                "SELECT count(*) FROM pg_stat_replication").equals("0"));
        assertThat(server.sql("SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + SLOT + "'"))
                .as("the slot outlives the receiver, to keep WAL until the next start").isEqualTo("1");
    }

    @Test
    void aPartialSegmentCutShortWhileItWasFilledWithZerosIsFilledUpAndStreamedIntoAgain() throws Exception {
        String current;
        try (WalReceiver receiver = receiver()) {
            current = awaitPartial();
        }
        // What a SIGKILL leaves while pg_receivewal fills a new segment with zeros: a short file of zeros.
        Path partial = spool.file(current + ".partial");
        Files.write(partial, new byte[(int) ScratchServer.SEGMENT_SIZE / 2 - 8192]);

        try (WalReceiver receiver = receiver()) {
            String[] switched = writeAndSwitch();
            assertThat(switched[0]).isEqualTo(current);
            awaitFinished(current);
            assertSpooledAsTheServerWroteIt(switched);
            assertThat(receiver.starts()).as("pg_receivewal took the filled file at its first start").isEqualTo(1);
        }
    }

    @Test
    void aSlotDroppedByHandIsCreatedAgainAndTheGapIsCounted() throws Exception {
        try (WalReceiver receiver = receiver()) {
            String[] first = writeAndSwitch();
            awaitFinished(first[0]);
            String partial = awaitPartial();
            // Stop the stream and drop the idle slot, as an operator would, before the receiver's back-off ends.
            server.sql("DO $$ DECLARE pid int; BEGIN SELECT active_pid INTO pid FROM pg_replication_slots"
                    + " WHERE slot_name = '" + SLOT + "'; PERFORM pg_terminate_backend(pid); FOR i IN 1..100 LOOP"
                    + " EXIT WHEN NOT (SELECT active FROM pg_replication_slots WHERE slot_name = '" + SLOT + "');"
                    + " PERFORM pg_sleep(0.01); END LOOP; PERFORM pg_drop_replication_slot('" + SLOT + "'); END $$");
            await("the slot created again").atMost(BOUND).until(() -> receiver.slotsRecreated() == 1);
            await("the new slot to stream").atMost(BOUND).until(() -> server.sql("SELECT active FROM"
                    + " pg_replication_slots WHERE slot_name = '" + SLOT + "'").equals("t"));
            String[] after = writeAndSwitch();
            awaitFinished(after[0]);
            assertSpooledAsTheServerWroteIt(after);
            assertThat(spool.finished()).as("the segments from before the gap, still to be stored")
                    .contains(first[0]);
            assertThat(spool.file(first[0])).isEqualTo(spool.directory().resolve("held").resolve(first[0]));
            assertThat(spool.file(after[0])).as("streamed after the gap, from the new slot")
                    .isEqualTo(spool.directory().resolve(after[0]));
            try (Stream<Path> held = Files.list(spool.directory().resolve("held"))) {
                assertThat(held.map(p -> p.getFileName().toString()).filter(name -> name.endsWith(".partial")))
                        .as("the segment being received when the slot went, kept aside and never stored")
                        .containsExactly(partial + ".partial").doesNotContainAnyElementsOf(spool.finished());
            }
        }
    }
}
