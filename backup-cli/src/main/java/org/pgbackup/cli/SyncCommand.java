package org.pgbackup.cli;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.Parameters;
import java.io.PrintStream;
import org.pgbackup.controller.BackupController;
import org.pgbackup.controller.SyncResult;

@Parameters(commandNames = "sync", commandDescription = "Catch-up: copy every complete archive that one destination of"
        + " BACKUP_TARGET holds and another lacks, and retention keeps, checking its SHA-256 on the way")
final class SyncCommand extends EachServiceCommand {
    @Parameter(names = "--dry-run", description = "Only print what would be copied")
    private boolean dryRun;

    @Override
    int run(BackupController controller, PrintStream out, ErrorStream err) {
        if (!choice.all()) {
            return print(controller.sync(choice.service(), dryRun), out, err);
        }
        return ServiceArgument.report(controller.syncAll(dryRun), (service, result) -> print(result, out, err), err);
    }

    private static int print(SyncResult result, PrintStream out, ErrorStream err) {
        String verb = result.dryRun() ? "would copy " : "copied ";
        result.copies().forEach(copy -> out.println(result.service() + ": " + verb + copy.archive() + " from "
                + copy.from() + " to " + copy.to() + " (" + Main.bytes(copy.size()) + ")"));
        result.refused().forEach((what, why) -> err.error(result.service() + ": not copied: " + what + ": " + why));
        result.failed().forEach((what, why) -> err.error(result.service() + ": not copied: " + what + ": " + why));
        if (result.copies().isEmpty() && result.ok()) {
            out.println(result.service() + ": every destination holds every archive");
        }
        return result.ok() ? 0 : 1;
    }
}
