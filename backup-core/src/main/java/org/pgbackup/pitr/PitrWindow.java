package org.pgbackup.pitr;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * How far back and how far forward a service can be restored, read from one destination.
 *
 * @param service the service
 * @param destination the destination read
 * @param baseBackups its base backups there, oldest first
 * @param from the earliest time from which every moment up to {@code to} can be reached: the
 *     end of the oldest base backup, or of the first one after the last gap; empty without one
 * @param to the latest: when the last WAL a restore can read without a gap was archived;
 *     empty without a base backup, or when {@code gap} is set
 * @param gap why the latest time cannot be reached, naming the first missing WAL segment;
 *     empty when nothing is missing
 * @param earlierGap why times before {@code from}, back to the oldest base backup, cannot all
 *     be reached (the WAL between two base backups has a gap, such as one a dropped slot
 *     left); empty when they can. Retention ends it once the older base backups go
 */
public record PitrWindow(String service, String destination, List<BaseBackupInfo> baseBackups,
        Optional<Instant> from, Optional<Instant> to, Optional<String> gap, Optional<String> earlierGap) {

    public PitrWindow {
        requireNonNull(service, "service is null");
        requireNonNull(destination, "destination is null");
        baseBackups = List.copyOf(baseBackups);
        requireNonNull(from, "from is null");
        requireNonNull(to, "to is null");
        requireNonNull(gap, "gap is null");
        requireNonNull(earlierGap, "earlierGap is null");
    }
}
