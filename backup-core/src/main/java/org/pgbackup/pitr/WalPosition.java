package org.pgbackup.pitr;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Optional;

/**
 * Where a service's WAL archiving stands against its server, as {@link WalStream#position()}
 * asks the server.
 *
 * @param currentLsn the server's current WAL write position
 * @param lastArchivedSegment the newest WAL segment stored whole in every destination since the
 *     stream started, if any
 * @param archivedThrough where that segment ends, as a byte offset of the WAL (an LSN as a
 *     number): everything before it is archived; 0 if none is
 * @param lagBytes the WAL the server has written that is not yet stored as a whole segment:
 *     under one segment when archiving keeps up (the segment being written is stored as a
 *     partial copy)
 * @param lag how long a finished segment has waited to be stored: zero when every finished
 *     segment is stored
 * @param slotRetainedBytes the WAL the service's replication slot holds back on the server
 */
public record WalPosition(String currentLsn, Optional<String> lastArchivedSegment, long archivedThrough,
        long lagBytes, Duration lag, long slotRetainedBytes) {

    public WalPosition {
        requireNonNull(currentLsn, "currentLsn is null");
        requireNonNull(lastArchivedSegment, "lastArchivedSegment is null");
        requireNonNull(lag, "lag is null");
    }
}
