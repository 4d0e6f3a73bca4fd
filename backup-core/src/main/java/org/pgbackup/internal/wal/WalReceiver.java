package org.pgbackup.internal.wal;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.pgbackup.internal.postgres.PgConnection;
import org.pgbackup.internal.process.ProcessResult;
import org.pgbackup.internal.process.ProcessRunner;
import org.pgbackup.internal.process.ProcessSpec;
import org.tinylog.Logger;

/**
 * Streams one server's WAL into a {@link WalSpool} with {@code pg_receivewal}, through a
 * permanent physical replication slot, for as long as it is open: the program runs with
 * {@code --no-loop}, and whenever it ends (the server restarted, the network failed) this
 * starts it again after a back-off that doubles up to a bound, from the slot's position, so
 * nothing written meanwhile is lost. {@code --synchronous} has the server learn at once what
 * reached the disk, so the slot holds back only what the spool has not got.
 *
 * <p>A slot found missing (dropped by hand, or never made) is created before streaming. If
 * WAL had been streamed through it before, what the server wrote while it was missing is lost
 * to the archive: that is said loudly and counted ({@link #slotsRecreated()}), and the spool's
 * files are set aside ({@link WalSpool#holdForGap()}), so that streaming starts from the new
 * slot rather than after a segment the server may no longer have.
 */
public final class WalReceiver implements AutoCloseable {
    private static final Duration FIRST_BACK_OFF = Duration.ofSeconds(1);
    /** The program runs until it fails or is stopped; this only bounds a process that hangs for ever. */
    private static final Duration NO_END = Duration.ofDays(36_500);

    private final String service;
    private final PgConnection connection;
    private final Path receiveWal;
    private final Path psql;
    private final String slot;
    private final WalSpool spool;
    private final Duration maxBackOff;
    /** This receiver's own programs, so that closing it stops them and no other. */
    private final ProcessRunner runner;
    private final StopSignal closed = new StopSignal();
    private final AtomicInteger starts = new AtomicInteger();
    private final AtomicInteger recreated = new AtomicInteger();
    private final Thread thread;

    private WalReceiver(PgConnection connection, Path receiveWal, Path psql, String slot, WalSpool spool,
            Duration maxBackOff) {
        this.service = connection.service().name();
        this.connection = connection;
        this.receiveWal = requireNonNull(receiveWal, "receiveWal is null");
        this.psql = requireNonNull(psql, "psql is null");
        this.slot = requireNonNull(slot, "slot is null");
        this.spool = requireNonNull(spool, "spool is null");
        this.maxBackOff = requireNonNull(maxBackOff, "maxBackOff is null");
        this.runner = connection.runner().child();
        this.thread = new Thread(this::supervise, "wal-" + service);
    }

    /**
     * Starts streaming on a thread of the receiver's own.
     *
     * @param connection the service's server and credentials; its database is where the slot is
     *     looked up
     * @param receiveWal {@code pg_receivewal} of the server's major
     * @param psql a {@code psql} that can talk to the server
     * @param slot the slot's name, see {@link SlotName}
     * @param maxBackOff the longest wait before starting the program again
     */
    public static WalReceiver start(PgConnection connection, Path receiveWal, Path psql, String slot, WalSpool spool,
            Duration maxBackOff) {
        WalReceiver receiver = new WalReceiver(connection, receiveWal, psql, slot, spool, maxBackOff);
        receiver.thread.start();
        return receiver;
    }

    /** How many times {@code pg_receivewal} has been started. */
    public int starts() {
        return starts.get();
    }

    /** How many times the slot was found missing after WAL had been streamed through it: each is a gap. */
    public int slotsRecreated() {
        return recreated.get();
    }

    private void supervise() {
        Duration backOff = FIRST_BACK_OFF;
        boolean streamedBefore = false;
        while (!closed.stopped()) {
            long began = System.nanoTime();
            String why;
            try {
                streamedBefore |= hasStreamed();
                ensureSlot(streamedBefore);
                TornPartialSegment.complete(spool, connection, psql, service);
                starts.incrementAndGet();
                streamedBefore = true;
                ProcessResult result = runner.run(ProcessSpec.of(connection.command(receiveWal,
                        "--directory=" + spool.directory(), "--slot=" + slot, "--synchronous", "--no-loop"),
                        connection.environment(), NO_END));
                why = result.failure();
            } catch (IOException e) {
                why = e.getMessage();
            }
            if (closed.stopped()) {
                return;
            }
            if (Duration.ofNanos(System.nanoTime() - began).compareTo(maxBackOff) > 0) {
                backOff = FIRST_BACK_OFF;
            }
            Logger.warn("{}: WAL streaming through slot '{}' stopped: {}; starting it again in {} s", service, slot,
                    oneLine(why), backOff.toSeconds());
            if (closed.await(backOff)) {
                return;
            }
            backOff = backOff.multipliedBy(2).compareTo(maxBackOff) > 0 ? maxBackOff : backOff.multipliedBy(2);
        }
    }

    private boolean hasStreamed() throws IOException {
        return !spool.finished().isEmpty() || spool.partial().isPresent();
    }

    /**
     * Creates the slot if it is missing, reserving WAL from now. A slot missing after WAL went
     * through it means a gap: said, counted, and the spool's files set aside.
     */
    private void ensureSlot(boolean streamedBefore) throws IOException {
        if (!ReplicationSlot.ensure(connection, psql, slot)) {
            return;
        }
        Logger.info("{}: created replication slot '{}' at {}", service, slot, connection.service().address());
        if (streamedBefore) {
            recreated.incrementAndGet();
            List<String> held = spool.holdForGap();
            Logger.error("{}: replication slot '{}' was missing at {} and has been created again: the WAL the server"
                    + " wrote while it was missing is not in the archive, so no restore can reach a time in that gap"
                    + " until a new base backup starts a new window ({} spooled file(s) set aside in held/, the"
                    + " finished ones still to be stored)", service, slot, connection.service().address(),
                    held.size());
        }
    }

    private static String oneLine(String text) {
        return String.valueOf(text).strip().replaceAll("\\s*\\R\\s*", " ");
    }

    /** Stops streaming: the program is stopped, and the spool keeps what it had, to resume from. */
    @Override
    public void close() {
        closed.stop();
        runner.stopAll();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
