package org.pgbackup.cli;

import com.beust.jcommander.IParameterValidator;
import com.beust.jcommander.Parameter;
import com.beust.jcommander.ParameterException;
import java.io.PrintStream;
import org.pgbackup.controller.RestoreOptions;
import org.pgbackup.controller.RestoreResult;
import org.pgbackup.naming.DatabaseDirectory;

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

    @Parameter(names = "--jobs", validateWith = RestoreFlags.AtLeastOne.class, description = "Restore with N parallel"
            + " pg_restore jobs from a local copy of the archive: faster for many or large tables, but NOT all or"
            + " nothing (each job commits on its own, so a failure midway leaves the database partly restored)."
            + " The copy, unwrapped, needs free space under BACKUP_ROOT. Default 1: one transaction")
    private int jobs = 1;

    /** JCommander's own PositiveInteger lets 0 through. */
    public static final class AtLeastOne implements IParameterValidator {
        @Override
        public void validate(String name, String value) {
            if (!value.matches("\\d{1,4}") || Integer.parseInt(value) < 1) {
                throw new ParameterException(name + " takes a whole number of jobs, 1 or more, not '" + value + "'");
            }
        }
    }

    RestoreOptions options(ErrorStream err) {
        RestoreOptions options = RestoreOptions.defaults().jobs(jobs).progress(err.progress());
        if (noOwner) {
            options = options.withoutOwners();
        }
        if (force) {
            options = options.force();
        }
        return withRoles ? options.withRoles() : options;
    }

    /** What a restored archive left out, for the result line: a partial archive restores a partial database. */
    /**
     * What a restore restored, one line each: the archive, or for a whole-server service
     * each database's, named as {@code list} prints it.
     */
    static void print(String service, RestoreResult result, String from, PrintStream out) {
        if (result.databases().isEmpty()) {
            out.println(service + ": restored " + result.archive() + from + partial(result));
        }
        result.databases().forEach(database -> out.println(service + ": restored "
                + DatabaseDirectory.of(database.database()) + "/" + database.archive() + from + partial(database)));
    }

    static String partial(RestoreResult result) {
        return result.tables().partial() ? " (a partial archive: " + result.tables().describe() + ")" : "";
    }
}
