package org.pgbackup.pitr;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * What {@code PointInTimeRecovery.restore} restores, and where.
 *
 * @param target the moment to recover to: every transaction committed up to it and none after;
 *     empty for as far as the archive goes ({@code --latest})
 * @param into the directory to write; empty for the service's data directory
 *     ({@code <PREFIX>_PGDATA}, {@code /var/lib/postgresql/databases/<service>} by default)
 * @param replace whether a directory that is not empty may be used ({@code --yes}): its
 *     contents are moved aside first, never deleted. A directory with a
 *     {@code postmaster.pid} is refused even so
 * @param start whether to start a server on the restored directory with the local server
 *     programs, wait until it has recovered and promoted, and report the last transaction it
 *     replayed ({@code --start}); the server is left running
 */
public record PitrRestoreOptions(Optional<Instant> target, Optional<Path> into, boolean replace, boolean start) {

    public PitrRestoreOptions {
        requireNonNull(target, "target is null");
        requireNonNull(into, "into is null");
    }

    /** To a moment, into the service's data directory, which must be empty. */
    public static PitrRestoreOptions to(Instant target) {
        return new PitrRestoreOptions(Optional.of(requireNonNull(target, "target is null")), Optional.empty(), false,
                false);
    }

    /** As far as the archive goes, into the service's data directory, which must be empty. */
    public static PitrRestoreOptions latest() {
        return new PitrRestoreOptions(Optional.empty(), Optional.empty(), false, false);
    }

    /** These options, writing into another directory. */
    public PitrRestoreOptions into(Path directory) {
        return new PitrRestoreOptions(target, Optional.of(requireNonNull(directory, "directory is null")), replace,
                start);
    }

    /** These options, moving a non-empty directory's contents aside first. */
    public PitrRestoreOptions replacing() {
        return new PitrRestoreOptions(target, into, true, start);
    }

    /** These options, starting a server on the restored directory. */
    public PitrRestoreOptions starting() {
        return new PitrRestoreOptions(target, into, replace, true);
    }
}
