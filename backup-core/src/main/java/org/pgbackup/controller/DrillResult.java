package org.pgbackup.controller;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A restore drill that passed: the newest archive restored into a scratch database, every
 * table of its table of contents was there, the row counts recorded at dump time matched,
 * and the check query, if any, returned true. The scratch database is gone.
 *
 * @param service the service drilled
 * @param archive the archive restored, the service's newest complete one
 * @param source the destination it was read from
 * @param server the drill server's {@code host:port}
 * @param scratchDatabase the scratch database the archive was restored into, now dropped
 * @param tables how many tables the archive's table of contents lists, all found
 * @param rowCountsCompared how many tables' row counts were compared with the manifest's;
 *     0 when the archive's rows were not counted at dump time
 * @param finishedAt when the drill passed
 * @param duration how long it took, the scratch database's creation and removal included
 * @param database the database whose archive was drilled; {@code *} for a whole-server service
 * @param databases a whole-server service's drills, one per database on the server at its
 *     last run; empty otherwise. The whole's tables and row counts are their sums, and its
 *     archive, source and scratch database the first one's
 *
 * <p>Immutable, and so safe to share between threads.
 */
public record DrillResult(String service, String archive, String source, String server, String scratchDatabase,
        int tables, int rowCountsCompared, Instant finishedAt, Duration duration, String database,
        List<DrillResult> databases) {

    public DrillResult {
        databases = List.copyOf(databases);
    }
}
