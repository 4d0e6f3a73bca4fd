package org.pgbackup.controller;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
 */
public record ArchiveInfo(BackupName name, long size, Instant stored, Optional<Instant> removableAfter,
        List<String> locations) {

    public ArchiveInfo {
        locations = List.copyOf(locations);
    }

    ArchiveInfo alsoIn(String destination) {
        List<String> more = new ArrayList<>(locations);
        more.add(destination);
        return new ArchiveInfo(name, size, stored, removableAfter, more);
    }

    ArchiveInfo keptWhileNewest() {
        return new ArchiveInfo(name, size, stored, Optional.empty(), locations);
    }
}
