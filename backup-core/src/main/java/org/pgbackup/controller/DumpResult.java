package org.pgbackup.controller;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.pgbackup.naming.BackupName;

/**
 * A dump that produced an archive.
 *
 * @param service the service dumped
 * @param name the archive's name
 * @param size the archive's size in bytes
 * @param duration how long the dump took
 * @param storedIn the destinations that hold the archive (and {@code shared}, if copied there)
 * @param failedDestinations destinations that failed, with why; the dump is then incomplete
 *     and the command reports failure, but the archives stored elsewhere stay
 */
public record DumpResult(String service, BackupName name, long size, Duration duration, List<String> storedIn,
        Map<String, String> failedDestinations) {

    /** Whether every destination holds the archive. */
    public boolean complete() {
        return failedDestinations.isEmpty();
    }
}
