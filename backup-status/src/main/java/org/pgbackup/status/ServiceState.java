package org.pgbackup.status;

import java.time.Instant;
import java.util.Optional;
import org.pgbackup.controller.ArchiveListing;
import org.pgbackup.controller.RunRecord;

/**
 * What the board knows of one service at a moment, replaced whole on every event so that a
 * page rendered while a run ends sees one state or the next, never a mix.
 *
 * @param listing its archives as last listed; empty until the first listing
 * @param listedAt when that listing was taken
 * @param listingError why the last listing failed, if it did
 * @param running the dump in progress, if any
 * @param lastRun its newest run, from the run history
 * @param unreadableRuns records of its run history that could not be read
 * @param lastDrill when its last restore drill passed
 * @param drillError the first line of its last drill's failure, when the last drill failed
 */
record ServiceState(Optional<ArchiveListing> listing, Instant listedAt, Optional<String> listingError,
        Optional<Running> running, Optional<RunRecord> lastRun, int unreadableRuns, Optional<Instant> lastDrill,
        Optional<String> drillError) {

    /** A dump in progress: when it started and how many bytes it has stored. */
    record Running(Instant started, long bytes) {
    }

    static ServiceState unknown() {
        return new ServiceState(Optional.empty(), Instant.EPOCH, Optional.empty(), Optional.empty(), Optional.empty(), 0,
                Optional.empty(), Optional.empty());
    }

    ServiceState listed(ArchiveListing newListing, Instant at) {
        return new ServiceState(Optional.of(newListing), at, Optional.empty(), running, lastRun, unreadableRuns,
                lastDrill, drillError);
    }

    ServiceState listingFailed(String error, Instant at) {
        return new ServiceState(listing, at, Optional.of(error), running, lastRun, unreadableRuns, lastDrill,
                drillError);
    }

    ServiceState running(Optional<Running> now) {
        return new ServiceState(listing, listedAt, listingError, now, lastRun, unreadableRuns, lastDrill, drillError);
    }

    ServiceState ran(Optional<RunRecord> newest, int unreadable) {
        return new ServiceState(listing, listedAt, listingError, running, newest, unreadable, lastDrill, drillError);
    }

    ServiceState drilled(Optional<Instant> passed, Optional<String> error) {
        return new ServiceState(listing, listedAt, listingError, running, lastRun, unreadableRuns,
                passed.or(() -> lastDrill), error);
    }
}
