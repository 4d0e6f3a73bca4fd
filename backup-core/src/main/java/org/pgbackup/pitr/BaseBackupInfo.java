package org.pgbackup.pitr;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * One stored base backup, as its manifest describes it.
 *
 * @param name its name, {@code base_<UTC time it started>}
 * @param startLsn where recovery from it starts reading WAL
 * @param endLsn how far recovery must at least replay for the server to be consistent
 * @param timeline the timeline it was taken on
 * @param started when it started
 * @param ended when it ended: the earliest time a restore from it can reach
 * @param size the stored (compressed, and encrypted if so) bytes
 */
public record BaseBackupInfo(String name, String startLsn, String endLsn, int timeline, Instant started,
        Instant ended, long size) {

    public BaseBackupInfo {
        requireNonNull(name, "name is null");
        requireNonNull(startLsn, "startLsn is null");
        requireNonNull(endLsn, "endLsn is null");
        requireNonNull(started, "started is null");
        requireNonNull(ended, "ended is null");
    }
}
