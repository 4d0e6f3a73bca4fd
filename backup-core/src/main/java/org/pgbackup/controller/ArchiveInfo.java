package org.pgbackup.controller;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.pgbackup.manifest.Manifest;
import org.pgbackup.naming.BackupName;
import org.pgbackup.naming.DatabaseDirectory;

/**
 * An archive as {@code list} shows it.
 *
 * @param name its name, which holds its kind and the time the dump started
 * @param size its size in bytes, as the first destination that holds it reports
 * @param stored when that destination stored it
 * @param removableAfter when retention will remove it; empty for the newest archive, which
 *     retention keeps until a newer one exists
 * @param locations the destinations that hold it, such as {@code local} and {@code s3}
 * @param incompleteIn the destinations where it has no manifest, or a size other than its
 *     manifest's: there it is incomplete, and {@code restore} needs {@code --force}
 * @param manifest its manifest, from the first destination that has one
 * @param directory the database directory it sits in, for a whole-server service
 *     ({@link org.pgbackup.naming.DatabaseDirectory}); empty for a single-database service
 * @param goneFromServer whether its database was not on the server at the last whole-server
 *     run: its archives stay until retention ages them out, and the newest stays for good
 *
 * <p>Immutable, and so safe to share between threads.
 */
public record ArchiveInfo(BackupName name, long size, Instant stored, Optional<Instant> removableAfter,
        List<String> locations, List<String> incompleteIn, Optional<Manifest> manifest, Optional<String> directory,
        boolean goneFromServer) {

    public ArchiveInfo {
        locations = List.copyOf(locations);
        incompleteIn = List.copyOf(incompleteIn);
        requireNonNull(directory, "directory is null");
    }

    /** An archive of a single-database service. */
    public ArchiveInfo(BackupName name, long size, Instant stored, Optional<Instant> removableAfter,
            List<String> locations, List<String> incompleteIn, Optional<Manifest> manifest) {
        this(name, size, stored, removableAfter, locations, incompleteIn, manifest, Optional.empty(), false);
    }

    /**
     * How {@code list} names it and {@code restore} takes it: the archive's name, or
     * {@code <database directory>/<archive>} for a whole-server service.
     */
    public String path() {
        return directory.map(d -> d + "/" + name.fileName()).orElse(name.fileName());
    }

    /** The database it holds, for a whole-server service, read back from its directory. */
    public Optional<String> database() {
        return directory.flatMap(DatabaseDirectory::database);
    }

    /** Whether every destination that holds it holds it complete. */
    public boolean complete() {
        return incompleteIn.isEmpty();
    }

    /** The same archive as another destination lists it, added to this one. */
    public ArchiveInfo merge(ArchiveInfo other) {
        List<String> where = new ArrayList<>(locations);
        where.addAll(other.locations);
        List<String> incomplete = new ArrayList<>(incompleteIn);
        incomplete.addAll(other.incompleteIn);
        return new ArchiveInfo(name, size, stored, removableAfter, where, incomplete,
                manifest.isPresent() ? manifest : other.manifest, directory, goneFromServer);
    }

    /** The same archive marked as the newest, which retention keeps whatever its age. */
    public ArchiveInfo keptWhileNewest() {
        return new ArchiveInfo(name, size, stored, Optional.empty(), locations, incompleteIn, manifest, directory,
                goneFromServer);
    }

    /** The same archive, found in a database directory of a whole-server service. */
    public ArchiveInfo in(String databaseDirectory, boolean gone) {
        return new ArchiveInfo(name, size, stored, removableAfter, locations, incompleteIn, manifest,
                Optional.of(databaseDirectory), gone);
    }
}
