package org.pgbackup.cli;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.Parameters;
import java.io.PrintStream;
import org.pgbackup.controller.BackupController;
import org.pgbackup.controller.DumpOptions;
import org.pgbackup.controller.DumpResult;
import org.pgbackup.naming.DatabaseDirectory;

@Parameters(commandNames = "dump", commandDescription = "Dump a service (or every service with --all) to every"
        + " destination of BACKUP_TARGET, then apply retention as scheduled dumps do")
final class DumpCommand extends EachServiceCommand {
    @Parameter(names = "--shared", description = "Also replace the shared copy,"
            + " shared/<service>/file.dump.zst (file.dump unless zstd-compressed), with the new archive")
    private boolean shared;

    @Override
    int run(BackupController controller, PrintStream out, ErrorStream err) {
        controller.checkDestinations();
        DumpOptions options = (shared ? DumpOptions.defaults().toShared() : DumpOptions.defaults())
                .progress(err.progress());
        if (!choice.all()) {
            return print(controller.dump(choice.service(), options), out, err);
        }
        return ServiceArgument.report(controller.dumpAll(options), (service, result) -> print(result, out, err), err);
    }

    private static int print(DumpResult result, PrintStream out, ErrorStream err) {
        if (result.databases().isEmpty()) {
            out.println(result.service() + ": " + result.name() + " (" + Main.bytes(result.size()) + ") stored in "
                    + String.join(", ", result.storedIn()));
        }
        // A whole-server run: one line per database, named as list prints it.
        result.databases().forEach(database -> out.println(result.service() + ": "
                + DatabaseDirectory.of(database.database()) + "/" + database.name() + " ("
                + Main.bytes(database.size()) + ") stored in " + String.join(", ", database.storedIn())));
        result.removedByRetention().forEach((destination, names) -> out.println(result.service() + ": retention"
                + " removed " + String.join(", ", names) + " from " + destination));
        result.failedDestinations().forEach((destination, why) -> err.error(result.service()
                + ": destination " + destination + " failed: " + why));
        return result.complete() ? 0 : 1;
    }
}
