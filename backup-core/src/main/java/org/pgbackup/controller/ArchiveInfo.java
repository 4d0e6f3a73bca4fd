package org.pgbackup.controller;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.pgbackup.manifest.Manifest;
import org.pgbackup.naming.BackupName;

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
 */
public record ArchiveInfo(BackupName name, long size, Instant stored, Optional<Instant> removableAfter,
        List<String> locations, List<String> incompleteIn, Optional<Manifest> manifest) {

    public ArchiveInfo {
        locations = List.copyOf(locations);
        incompleteIn = List.copyOf(incompleteIn);
    }

    /** Whether every destination that holds it holds it complete. */
    public boolean complete() {
        return incompleteIn.isEmpty();
    }

    /** The same archive as another destination lists it, added to this one. */
    ArchiveInfo merge(ArchiveInfo other) {
        List<String> where = new ArrayList<>(locations);
        where.addAll(other.locations);
        List<String> incomplete = new ArrayList<>(incompleteIn);
        incomplete.addAll(other.incompleteIn);
        return new ArchiveInfo(name, size, stored, removableAfter, where, incomplete,
                manifest.isPresent() ? manifest : other.manifest);
    }

    ArchiveInfo keptWhileNewest() {
        return new ArchiveInfo(name, size, stored, Optional.empty(), locations, incompleteIn, manifest);
    }
}
