package org.pgbackup.internal.operation;

import org.pgbackup.config.ServiceSettings;

/**
 * Where a restore reads and writes: a service's database and directory, or one database of
 * a whole-server service, whose directory is its own and whose roles sit at the service's
 * level.
 *
 * @param settings the service, narrowed to the database restored
 * @param directory where its archives are in every destination
 * @param rolesDirectory where the roles saved with an archive are
 * @param wholeServer whether the database belongs to a whole-server service: when it does
 *     not exist, the restore creates it, and drops it again if the restore fails
 */
public record RestoreTarget(ServiceSettings settings, String directory, String rolesDirectory, boolean wholeServer) {

    /** A single-database service. */
    static RestoreTarget of(ServiceSettings service) {
        return new RestoreTarget(service, service.name(), service.name(), false);
    }

    /** One database of a whole-server service. */
    static RestoreTarget of(ServiceSettings service, String database) {
        return new RestoreTarget(service.forDatabase(database), DumpScope.directoryOf(service.name(), database),
                service.name(), true);
    }
}
