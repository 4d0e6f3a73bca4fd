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
 * @param sha256 the archive's SHA-256 in hex, as its manifest records it
 * @param duration how long the dump took
 * @param storedIn the destinations that hold the archive (and {@code shared}, if copied there)
 * @param failedDestinations destinations that failed, with why (a failure of retention is
 *     named {@code <destination> (retention)}); the command then reports failure, but the
 *     archives stored elsewhere stay
 * @param removedByRetention the archives retention removed afterwards, by destination
 */
public record DumpResult(String service, BackupName name, long size, String sha256, Duration duration, List<String> storedIn,
        Map<String, String> failedDestinations, Map<String, List<String>> removedByRetention) {

    /** Whether every destination holds the archive and retention succeeded. */
    public boolean complete() {
        return failedDestinations.isEmpty();
    }
}
