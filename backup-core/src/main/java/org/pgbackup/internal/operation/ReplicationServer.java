package org.pgbackup.internal.operation;

import java.nio.file.Path;
import org.pgbackup.config.ServiceSettings;
import org.pgbackup.error.ConfigurationException;
import org.pgbackup.internal.postgres.PgConnection;
import org.pgbackup.internal.postgres.PgVersion;
import org.pgbackup.internal.process.ProcessRunner;

/**
 * A point-in-time recovery service's server as its replication role reaches it, with the
 * programs of the server's major: what streaming and base backups both start from.
 *
 * @param connection as the replication role ({@link ServiceSettings#asReplicationRole()})
 * @param version the server's version, asked when this was made
 * @param psql a {@code psql} that talks to it
 */
record ReplicationServer(PgConnection connection, PgVersion version, Path psql) {

    /**
     * Asks the server for its version, which also checks that it answers the replication role.
     *
     * @throws ConfigurationException if the service does not have point-in-time recovery
     * @throws org.pgbackup.error.DatabaseConnectionException if the server cannot be reached
     */
    static ReplicationServer of(OperationContext ctx, String service) {
        return of(ctx, service, ctx.runner());
    }

    /** The same, its programs run by {@code runner}, such as an operation's own, which its cancellation stops. */
    static ReplicationServer of(OperationContext ctx, String service, ProcessRunner runner) {
        ServiceSettings settings = ctx.config().service(service);
        if (!settings.pitr().enabled()) {
            throw new ConfigurationException("Service '" + service + "' does not have point-in-time recovery: set "
                    + settings.setting("PITR=true", "pitr") + " to stream its WAL and take base backups");
        }
        PgConnection connection = new PgConnection(settings.asReplicationRole(), runner);
        PgVersion version = connection.serverVersion(ctx.binaries());
        return new ReplicationServer(connection, version, ctx.binaries().clientFor("psql", version));
    }

    /** A client program of the server's major or the closest newer one. */
    Path program(OperationContext ctx, String name) {
        return ctx.binaries().dumpClientFor(name, version);
    }
}
