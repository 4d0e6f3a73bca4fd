package org.pgbackup.cli;

import com.beust.jcommander.Parameter;
import org.pgbackup.controller.RestoreOptions;

/** The options that {@code restore} and {@code restore-from-shared} share. */
final class RestoreFlags {
    @Parameter(names = "--no-owner", description = "Make the service's user own the restored objects and skip the"
            + " archive's privileges, for a server whose roles differ from the dumped one")
    private boolean noOwner;

    @Parameter(names = "--with-roles", description = "Create the roles saved with the archive first, so that owners"
            + " and grants come back on a fresh server (roles that exist are left alone)")
    private boolean withRoles;

    @Parameter(names = "--force", description = "Restore even an archive without a manifest, whose checksum cannot"
            + " be checked (list marks it incomplete)")
    private boolean force;

    RestoreOptions options() {
        return new RestoreOptions(!noOwner, force, withRoles);
    }
}
