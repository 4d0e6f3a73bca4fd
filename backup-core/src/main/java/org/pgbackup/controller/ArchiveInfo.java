package org.pgbackup.controller;

import java.time.Instant;
import java.util.Optional;
import org.pgbackup.naming.BackupName;

/**
 * An archive as {@code list} shows it.
 *
 * @param name its name, which holds its kind and the time the dump started
 * @param size its size in bytes
 * @param stored when the destination stored it
 * @param removableAfter when retention will remove it; empty for the newest archive, which
 *     retention keeps until a newer one exists
 */
public record ArchiveInfo(BackupName name, long size, Instant stored, Optional<Instant> removableAfter) {
}
