package org.pgbackup.pitr;

import java.time.Instant;
import java.util.Optional;

/**
 * A service's WAL streaming into its archive, from {@code PointInTimeRecovery.stream}: it
 * keeps {@code pg_receivewal} running through the service's replication slot and stores each
 * finished segment in every destination until it is closed.
 */
public interface WalStream extends AutoCloseable {

    /** The service streamed. */
    String service();

    /** How many WAL files have been stored in every destination since the stream started. */
    int archived();

    /** When the last WAL file was stored in every destination, if one has been. */
    Optional<Instant> lastArchived();

    /**
     * How many times the slot was found dropped and created again: each time, WAL the server
     * wrote meanwhile is missing from the archive until a new base backup starts a new window.
     */
    int gaps();

    /**
     * Asks the server where its WAL stands against the archive.
     *
     * @throws java.io.IOException if the server cannot be asked
     */
    WalPosition position() throws java.io.IOException;

    /** Stops streaming; the spool keeps what was not yet stored, for the next stream to store. */
    @Override
    void close();
}
