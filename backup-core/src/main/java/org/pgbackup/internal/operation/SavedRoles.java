package org.pgbackup.internal.operation;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.pgbackup.config.Configuration;
import org.pgbackup.error.RestoreFailedException;
import org.pgbackup.internal.postgres.PgBinaries;
import org.pgbackup.internal.postgres.PgConnection;
import org.pgbackup.internal.postgres.PgRoles;
import org.pgbackup.naming.Sidecar;
import org.pgbackup.spi.Storage;
import org.tinylog.Logger;

/** {@code restore --with-roles}: the roles saved beside an archive, created before the restore touches the database. */
final class SavedRoles {
    private final Configuration config;
    private final PgBinaries binaries;

    SavedRoles(Configuration config, PgBinaries binaries) {
        this.config = config;
        this.binaries = binaries;
    }

    /**
     * Creates the roles saved beside an archive. Roles that exist already are left as they
     * are; any other error stops the restore before the database is touched.
     */
    void apply(Storage storage, RestoreTarget target, String archive, Progress progress) {
        String service = target.settings().name();
        // A whole-server service's database may not exist yet: its roles go in through the maintenance database.
        PgConnection connection = new PgConnection(target.wholeServer()
                ? target.settings().forDatabase("postgres") : target.settings(), progress.runner());
        String sql;
        String rolesFile = Sidecar.ROLES.of(archive);
        try (InputStream stored = storage.open(target.rolesDirectory(), rolesFile);
                InputStream in = rolesFile.endsWith(".age") ? config.encryption().decrypting(stored,
                        rolesFile + " of service '" + service + "'") : stored) {
            sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new RestoreFailedException(archive + " of service '" + service + "' has no saved roles ("
                    + Sidecar.ROLES.of(archive) + " cannot be read: " + e.getMessage() + "); nothing was restored."
                    + " Restore without --with-roles");
        }
        String errors = new PgRoles(connection, binaries.find("psql"), config.operationTimeout()).apply(sql);
        if (!errors.isEmpty()) {
            throw new RestoreFailedException("Creating the roles saved with " + archive + " failed for service '"
                    + service + "'; the database was not touched: " + errors);
        }
        Logger.info("{}: applied the roles saved with {}", service, archive);
    }
}
