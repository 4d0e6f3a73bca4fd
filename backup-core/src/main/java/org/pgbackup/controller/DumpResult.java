package org.pgbackup.controller;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pgbackup.naming.BackupName;

/**
 * A dump that produced an archive, or a whole-server run that produced one per database.
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
 * @param removedByRetention the archives retention removed afterwards, by destination; in a
 *     whole-server run as {@code <database directory>/<archive>}
 * @param database the database the archive holds; {@code *} for a whole-server run
 * @param databases a whole-server run's archives, one per database, in the order of their
 *     names; empty for a single-database service. The run's own {@code name} is the name every
 *     one of them has, its {@code size} their sum, and its {@code sha256} empty: each archive
 *     has its own
 *
 * <p>Immutable, and so safe to share between threads.
 */
public record DumpResult(String service, BackupName name, long size, String sha256, Duration duration,
        List<String> storedIn, Map<String, String> failedDestinations,
        Map<String, List<String>> removedByRetention, String database, List<DumpResult> databases) {

    public DumpResult {
        storedIn = List.copyOf(storedIn);
        failedDestinations = Collections.unmodifiableMap(new LinkedHashMap<>(failedDestinations));
        removedByRetention = Collections.unmodifiableMap(new LinkedHashMap<>(removedByRetention));
        databases = List.copyOf(databases);
    }

    /** Whether every destination holds the archive and retention succeeded. */
    public boolean complete() {
        return failedDestinations.isEmpty();
    }
}
