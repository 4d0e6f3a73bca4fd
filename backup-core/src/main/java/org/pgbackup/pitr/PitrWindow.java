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
 * @param from the earliest time a restore can reach: the end of the oldest base backup; empty
 *     without one
 * @param to the latest: when the last WAL a restore can read without a gap was archived;
 *     empty without a base backup, or when {@code gap} is set
 * @param gap why the latest time cannot be reached, naming the first missing WAL segment;
 *     empty when nothing is missing
 */
public record PitrWindow(String service, String destination, List<BaseBackupInfo> baseBackups,
        Optional<Instant> from, Optional<Instant> to, Optional<String> gap) {

    public PitrWindow {
        requireNonNull(service, "service is null");
        requireNonNull(destination, "destination is null");
        baseBackups = List.copyOf(baseBackups);
        requireNonNull(from, "from is null");
        requireNonNull(to, "to is null");
        requireNonNull(gap, "gap is null");
    }
}
