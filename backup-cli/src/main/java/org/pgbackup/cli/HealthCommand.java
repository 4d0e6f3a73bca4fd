package org.pgbackup.cli;

import com.beust.jcommander.Parameters;
import java.io.PrintStream;
import java.util.List;
import org.pgbackup.controller.BackupController;
import org.pgbackup.controller.ServiceHealth;

@Parameters(commandNames = "health", commandDescription = "Exit 0 if every service has a fresh complete archive"
        + " (HEALTH_MAX_AGE, or the schedule's longest gap plus 1h), 1 otherwise; for Docker's HEALTHCHECK")
final class HealthCommand extends Command {
    @Override
    List<String> arguments() {
        return List.of();
    }

    @Override
    int run(BackupController controller, PrintStream out, ErrorStream err) {
        int status = 0;
        for (ServiceHealth health : controller.health()) {
            out.println(health.service() + ": " + Main.oneLine(health.detail()));
            if (!health.healthy()) {
                status = 1;
            }
        }
        return status;
    }
}
