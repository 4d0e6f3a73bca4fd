package org.pgbackup.pitr;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A base backup taken and stored.
 *
 * @param service the service
 * @param backup what was stored
 * @param storedIn the destinations that hold it whole, with its manifest
 * @param deletedBaseBackups how many older base backups retention deleted after it, across
 *     destinations
 * @param deletedWalFiles how many archived WAL files retention deleted after it, across
 *     destinations
 */
public record BaseBackupResult(String service, BaseBackupInfo backup, List<String> storedIn, int deletedBaseBackups,
        int deletedWalFiles) {

    public BaseBackupResult {
        requireNonNull(service, "service is null");
        requireNonNull(backup, "backup is null");
        storedIn = List.copyOf(storedIn);
    }
}
