package org.pgbackup.status;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.pgbackup.controller.ArchiveInfo;
import org.pgbackup.controller.RunRecord;

/**
 * One row of the overview: a service, or one database of a whole-server service, judged at
 * a moment.
 *
 * @param service the service
 * @param database the database, for a row of a whole-server service's database
 * @param status what the row's colour says
 * @param detail why, in a sentence
 * @param newest its newest complete archive
 * @param missingFrom the destinations that lack that archive
 * @param running the dump in progress
 * @param lastRun the service's newest run
 * @param nextRun when the schedule dumps it next
 * @param lastDrill when its last drill passed
 */
record ServiceStatus(String service, Optional<String> database, Status status, String detail,
        Optional<ArchiveInfo> newest, List<String> missingFrom, Optional<ServiceState.Running> running,
        Optional<RunRecord> lastRun, Optional<Instant> nextRun, Optional<Instant> lastDrill) {

    /** What a row's colour says; declared worst first, the order the overview sorts by. */
    enum Status {
        FAILED, STALE, RUNNING, FRESH;

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** The error line of the newest run, when it failed. */
    Optional<String> error() {
        return lastRun.filter(r -> r.outcome() == RunRecord.Outcome.FAILED).flatMap(RunRecord::error);
    }

    /** The row's name as the page shows it. */
    String label() {
        return database.map(d -> service + " / " + d).orElse(service);
    }
}
