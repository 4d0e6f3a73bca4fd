package org.pgbackup.cli;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.Parameters;
import com.beust.jcommander.ParametersDelegate;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.pgbackup.controller.BackupController;

@Parameters(commandNames = "restore-from-shared", commandDescription = "Restore shared/<service>/file.dump[.zst] into a"
        + " service's database (or every service's with --all), in one transaction")
final class RestoreFromSharedCommand extends Command {
    @Parameter(description = "<service>")
    private List<String> services = new ArrayList<>();

    @Parameter(names = "--all", description = "Restore every service of DATABASE_LIST")
    private boolean all;

    @ParametersDelegate
    private RestoreFlags flags = new RestoreFlags();

    @Override
    void validate() {
        ServiceArgument.check(services, all);
    }

    @Override
    List<String> arguments() {
        return services;
    }

    @Override
    int run(BackupController controller, PrintStream out, ErrorStream err) {
        if (!all) {
            return printRestored(services.get(0), controller.restoreFromShared(services.get(0), flags.options(err))
                    .archive(), out);
        }
        return ServiceArgument.report(controller.restoreAllFromShared(flags.options(err)),
                (service, result) -> printRestored(service, result.archive(), out), err);
    }

    private static int printRestored(String service, String file, PrintStream out) {
        out.println(service + ": restored " + file + " from the shared directory");
        return 0;
    }
}
