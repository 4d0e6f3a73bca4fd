package org.pgbackup.cli;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.Parameters;
import java.io.Console;
import java.io.PrintStream;
import org.pgbackup.controller.BackupController;
import org.pgbackup.controller.ResetWalOptions;
import org.pgbackup.controller.ResetWalResult;

@Parameters(commandNames = "resetwal", commandDescription = "Break glass: run pg_resetwal on a service's stopped data"
        + " directory (<SERVICE>_PGDATA) after showing the dry run and saving the control data and WAL;"
        + " committed data can be lost")
final class ResetWalCommand extends OneServiceCommand {
    @Parameter(names = "--yes", description = "Apply without asking (otherwise, type the service name on a terminal)")
    private boolean yes;

    @Parameter(names = "--force", description = "Move a stale postmaster.pid aside (saved with the rest) and pass -f"
            + " to pg_resetwal, which resets even damaged control data")
    private boolean force;

    @Override
    int run(BackupController controller, PrintStream out, ErrorStream err) {
        String service = service();
        ResetWalOptions options = ResetWalOptions.confirmedBy(dryRun -> {
            out.println(service + ": pg_resetwal --dry-run says:");
            out.println(dryRun.indent(2).stripTrailing());
            out.println("WARNING: resetting the write-ahead log can lose committed transactions and leave the data"
                    + " inconsistent. Dump the database as soon as the server starts again.");
            out.flush();
            if (yes) {
                return true;
            }
            Console console = System.console();
            if (console == null) {
                return false;
            }
            String typed = console.readLine("Type the service name (%s) to reset its write-ahead log: ", service);
            return service.equals(typed == null ? null : typed.strip());
        });
        ResetWalResult result = controller.resetWal(service, force ? options.force() : options);
        out.println(service + ": saved the control data and WAL to " + result.savedTo());
        out.println(service + ": " + Main.oneLine(result.output()));
        return 0;
    }
}
