package org.pgbackup.internal.operation;

import java.util.Optional;
import org.pgbackup.config.ServiceSettings;
import org.pgbackup.internal.postgres.ServerDatabases;
import org.pgbackup.naming.BackupName;
import org.pgbackup.naming.DatabaseDirectory;

/**
 * What one {@code pg_dump} run writes where: a service's database into the service's
 * directory, or one database of a whole-server service into its own directory under it.
 *
 * @param settings the service, narrowed to the one database dumped
 * @param directory where its objects go in every destination: {@code <service>} or
 *     {@code <service>/<database directory>}
 * @param name the archive's name when the run chose it for every database; empty to pick one
 * @param savesRoles whether the roles sidecar goes beside this archive; a whole-server run
 *     writes it once, at the service's level
 * @param owner the database's owner, recorded in the manifest of a whole-server run's archive
 */
public record DumpScope(ServiceSettings settings, String directory, Optional<BackupName> name, boolean savesRoles,
        Optional<String> owner) {

    /** A single-database service. */
    static DumpScope of(ServiceSettings service) {
        return new DumpScope(service, service.name(), Optional.empty(), true, Optional.empty());
    }

    /** One database of a whole-server service, in a run whose archives all take {@code run}'s name. */
    static DumpScope of(ServiceSettings service, ServerDatabases.Database database, BackupName run) {
        return new DumpScope(service.forDatabase(database.name()), directoryOf(service.name(), database.name()),
                Optional.of(run), false, Optional.of(database.owner()));
    }

    /** The directory of a database of a whole-server service in every destination. */
    static String directoryOf(String service, String database) {
        return service + "/" + DatabaseDirectory.of(database);
    }
}
