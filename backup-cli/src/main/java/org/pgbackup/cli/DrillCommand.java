package org.pgbackup.cli;

import com.beust.jcommander.Parameters;
import java.io.PrintStream;
import org.pgbackup.controller.BackupController;
import org.pgbackup.controller.DrillResult;
import org.pgbackup.naming.DatabaseDirectory;

@Parameters(commandNames = "drill", commandDescription = "Restore drill: restore a service's newest archive (or every"
        + " service's with --all) into a scratch database, check its tables and row counts, and drop it")
final class DrillCommand extends EachServiceCommand {
    @Override
    int run(BackupController controller, PrintStream out, ErrorStream err) {
        if (!choice.all()) {
            return print(controller.drill(choice.service()), out);
        }
        return ServiceArgument.report(controller.drillAll(), (service, result) -> print(result, out), err);
    }

    private static int print(DrillResult result, PrintStream out) {
        if (result.databases().isEmpty()) {
            print(result, "", out);
        }
        // A whole-server service: one line per database, its archive named as list prints it.
        result.databases().forEach(database -> print(database, DatabaseDirectory.of(database.database()) + "/", out));
        return 0;
    }

    private static void print(DrillResult result, String directory, PrintStream out) {
        out.println(result.service() + ": drill passed: " + directory + result.archive() + " restored into "
                + result.scratchDatabase() + " at " + result.server() + ", " + result.tables() + " tables, "
                + (result.rowCountsCompared() > 0 || result.tables() == 0 ? result.rowCountsCompared()
                        + " row counts equal to the dump's" : "rows not counted at dump time")
                + "; scratch database dropped");
    }
}
