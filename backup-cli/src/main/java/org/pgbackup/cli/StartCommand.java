package org.pgbackup.cli;

import com.beust.jcommander.Parameters;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.pgbackup.controller.BackupController;
import org.pgbackup.controller.ScheduledBackups;
import org.tinylog.Logger;

@Parameters(commandNames = "start", commandDescription = "Run until stopped: with MODE=production, dump every"
        + " service on the schedule (03:00, 09:00, 15:00, 21:00 in TZ, or BACKUP_SCHEDULE) and apply retention")
final class StartCommand extends Command {
    private volatile ScheduledBackups loop;

    @Override
    List<String> arguments() {
        return List.of();
    }

    @Override
    int run(BackupController controller, PrintStream out, PrintStream err) {
        loop = new ScheduledBackups(controller, Clock.systemUTC());
        loop.run();
        return 0;
    }

    /** A container stop: the dump in progress gets STOP_GRACE_SECONDS to finish, then is aborted. */
    @Override
    void shutdown(BackupController controller, Thread worker) throws InterruptedException {
        Duration grace = controller.configuration().stopGrace();
        Logger.info("Stop requested: letting a dump in progress finish for up to {}s", grace.toSeconds());
        if (loop != null) {
            loop.stop();
        }
        worker.join(Math.max(1, grace.toMillis()));
        if (worker.isAlive()) {
            Logger.warn("The dump in progress did not finish within {}s: aborting it", grace.toSeconds());
            super.shutdown(controller, worker);
        }
    }
}
