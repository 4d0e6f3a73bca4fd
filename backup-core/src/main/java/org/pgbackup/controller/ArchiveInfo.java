package org.pgbackup.controller;

import java.time.Instant;
import org.pgbackup.naming.BackupName;

/**
 * An archive as {@code list} shows it.
 *
 * @param name its name, which holds its kind and the time the dump started
 * @param size its size in bytes
 * @param stored when the destination stored it
 */
public record ArchiveInfo(BackupName name, long size, Instant stored) {
}
