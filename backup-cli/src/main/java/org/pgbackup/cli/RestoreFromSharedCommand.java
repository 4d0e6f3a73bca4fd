package org.pgbackup.cli;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.Parameters;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.pgbackup.controller.BackupController;

@Parameters(commandNames = "restore-from-shared", commandDescription = "Restore shared/<service>/file.dump into a"
        + " service's database (or every service's with --all), in one transaction")
final class RestoreFromSharedCommand extends Command {
    @Parameter(description = "<service>")
    private List<String> services = new ArrayList<>();

    @Parameter(names = "--all", description = "Restore every service of DATABASE_LIST")
    private boolean all;

    @Parameter(names = "--no-owner", description = "Make the service's user own the restored objects and skip the"
            + " archive's privileges, for a server whose roles differ from the dumped one")
    private boolean noOwner;

    @Override
    void validate() {
        ServiceArgument.check(services, all);
    }

    @Override
    List<String> arguments() {
        return services;
    }

    @Override
    int run(BackupController controller, PrintStream out, PrintStream err) {
        if (!all) {
            controller.restoreFromShared(services.get(0), !noOwner);
            return printRestored(services.get(0), out);
        }
        return ServiceArgument.report(controller.restoreAllFromShared(!noOwner), (service, file) -> printRestored(service, out),
                err);
    }

    private static int printRestored(String service, PrintStream out) {
        out.println(service + ": restored " + BackupController.SHARED_FILE + " from the shared directory");
        return 0;
    }
}
