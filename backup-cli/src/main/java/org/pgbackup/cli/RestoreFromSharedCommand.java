package org.pgbackup.cli;

import com.beust.jcommander.Parameters;
import com.beust.jcommander.ParametersDelegate;
import java.io.PrintStream;
import org.pgbackup.controller.BackupController;
import org.pgbackup.controller.RestoreResult;

@Parameters(commandNames = "restore-from-shared", commandDescription = "Restore shared/<service>/file.dump[.zst] into a"
        + " service's database (or every service's with --all), in one transaction")
final class RestoreFromSharedCommand extends EachServiceCommand {
    @ParametersDelegate
    private RestoreFlags flags = new RestoreFlags();

    @Override
    int run(BackupController controller, PrintStream out, ErrorStream err) {
        if (!choice.all()) {
            return printRestored(choice.service(), controller.restoreFromShared(choice.service(), flags.options(err)),
                    out);
        }
        return ServiceArgument.report(controller.restoreAllFromShared(flags.options(err)),
                (service, result) -> printRestored(service, result, out), err);
    }

    private static int printRestored(String service, RestoreResult result, PrintStream out) {
        RestoreFlags.print(service, result, " from the shared directory", out);
        return 0;
    }
}
