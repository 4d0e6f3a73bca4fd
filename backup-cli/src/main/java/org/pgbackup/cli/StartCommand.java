package org.pgbackup.cli;

import com.beust.jcommander.Parameters;
import java.io.PrintStream;
import java.util.List;
import org.pgbackup.controller.BackupController;

@Parameters(commandNames = "start", commandDescription = "Run scheduled dumps and retention (arrives with the"
        + " scheduler; not available yet)")
final class StartCommand extends Command {
    @Override
    List<String> arguments() {
        return List.of();
    }

    @Override
    int run(BackupController controller, PrintStream out, PrintStream err) {
        err.println("error: 'start' (scheduled dumps and retention) is not available yet: it arrives with the"
                + " scheduler. Use 'dump' meanwhile.");
        return 1;
    }
}
