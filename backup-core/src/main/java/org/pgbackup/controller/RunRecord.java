package org.pgbackup.controller;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One dump of a service as its run history keeps it ({@link BackupController#runs}): when it
 * started, how long it took, how it ended, and where its archive went.
 *
 * <p>Immutable and thread-safe.
 *
 * @param service the service
 * @param started when the dump started
 * @param duration how long it took, the destinations included
 * @param outcome how it ended
 * @param archive the archive's file name, when one was stored
 * @param size the archive's size in bytes; 0 when none was stored
 * @param storedIn the destinations that hold the archive
 * @param failedIn the destinations that failed, with why
 * @param error the first line of the failure, for a failed run
 */
public record RunRecord(String service, Instant started, Duration duration, Outcome outcome, Optional<String> archive,
        long size, List<String> storedIn, Map<String, String> failedIn, Optional<String> error) {

    /** How a run ended. */
    public enum Outcome {
        /** Every destination stored the archive. */
        OK,
        /** Some destinations stored it, others failed. */
        INCOMPLETE,
        /** Nothing was stored. */
        FAILED,
        /** Another controller was backing the database up: this one left the slot to it. */
        SKIPPED
    }

    /** Copies the collections, in their order, so that the record stays as it was made. */
    public RunRecord {
        requireNonNull(service, "service is null");
        requireNonNull(started, "started is null");
        requireNonNull(duration, "duration is null");
        requireNonNull(outcome, "outcome is null");
        requireNonNull(archive, "archive is null");
        storedIn = List.copyOf(storedIn);
        failedIn = Collections.unmodifiableMap(new LinkedHashMap<>(failedIn));
        requireNonNull(error, "error is null");
    }
}
