package org.pgbackup.cli;

import com.beust.jcommander.Parameters;
import java.io.PrintStream;
import org.pgbackup.controller.BackupController;
import org.pgbackup.pitr.BaseBackupResult;

@Parameters(commandNames = "basebackup", commandDescription = "Take a base backup of a service with point-in-time"
        + " recovery (<SERVICE>_PITR=true), or of every such service with --all, into every destination; then apply"
        + " PITR_RETENTION_DAYS")
final class BaseBackupCommand extends EachServiceCommand {
    @Override
    int run(BackupController controller, PrintStream out, ErrorStream err) {
        if (!choice.all()) {
            return print(controller.pointInTimeRecovery().baseBackup(choice.service(), err.progress()), out);
        }
        return ServiceArgument.report(controller.pointInTimeRecovery().baseBackupAll(),
                (service, result) -> print(result, out), err);
    }

    private static int print(BaseBackupResult result, PrintStream out) {
        out.println(result.service() + ": base backup " + result.backup().name() + " stored in "
                + String.join(",", result.storedIn()) + " (" + Main.bytes(result.backup().size()) + ", WAL from "
                + result.backup().startLsn() + " to " + result.backup().endLsn() + ", timeline "
                + result.backup().timeline() + ")" + (result.deletedBaseBackups() + result.deletedWalFiles() == 0 ? ""
                        : "; retention deleted " + result.deletedBaseBackups() + " base backup(s) and "
                                + result.deletedWalFiles() + " WAL file(s)"));
        return 0;
    }
}
