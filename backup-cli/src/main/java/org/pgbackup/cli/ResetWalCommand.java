package org.pgbackup.cli;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.Parameters;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.pgbackup.controller.BackupController;

@Parameters(commandNames = "resetwal", commandDescription = "Run pg_resetwal on a service's stopped data directory"
        + " (<PREFIX>_PGDATA, default <databases root>/<service>); committed data can be lost")
final class ResetWalCommand extends Command {
    @Parameter(description = "<service>")
    private List<String> services = new ArrayList<>();

    @Override
    void validate() {
        ServiceArgument.checkOne(services);
    }

    @Override
    List<String> arguments() {
        return services;
    }

    @Override
    int run(BackupController controller, PrintStream out, PrintStream err) {
        String output = controller.resetWal(services.get(0));
        out.println(services.get(0) + ": " + Main.oneLine(output));
        return 0;
    }
}
