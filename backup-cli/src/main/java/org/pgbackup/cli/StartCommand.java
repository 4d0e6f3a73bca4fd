package org.pgbackup.cli;

import com.beust.jcommander.Parameters;
import java.io.PrintStream;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pgbackup.config.Configuration;
import org.pgbackup.config.StatusPageSettings;
import org.pgbackup.controller.RunListener;
import org.pgbackup.notify.Notifications;
import org.pgbackup.controller.BackupController;
import org.pgbackup.controller.ScheduledBackups;
import org.pgbackup.status.StatusBoard;
import org.pgbackup.status.StatusServer;
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
    int run(BackupController controller, PrintStream out, ErrorStream err) {
        Configuration config = controller.configuration();
        controller.checkDestinations();
        Clock clock = Clock.systemUTC();
        List<RunListener> listeners = new ArrayList<>();
        Map<String, URI> servicePings = new HashMap<>();
        config.services().forEach(s -> s.healthcheckPing().ifPresent(url -> servicePings.put(s.name(), url)));
        Optional<StatusPageSettings> page = config.statusPage();
        boolean sharedPort = page.isPresent() && config.metricsPort().equals(Optional.of(page.get().port()));
        PrometheusMetrics metrics = config.metricsPort().map(port -> sharedPort ? PrometheusMetrics.unserved(clock)
                : PrometheusMetrics.serve(port, clock)).orElse(null);
        if (metrics != null) {
            listeners.add(metrics);
            Logger.info("Serving Prometheus metrics on port {} at /metrics", config.metricsPort().orElseThrow());
        }
        Notifications.Outcomes outcomes = metrics != null ? metrics : (channel, delivered) -> { };
        try (Notifications notifications = new Notifications(config.notificationChannels(), config.healthcheckPing(),
                servicePings, clock, outcomes); StatusBoard board = page.isPresent() ? new StatusBoard(controller, clock) : null) {
            listeners.add(0, notifications);
            if (board != null) {
                listeners.add(board);
            }
            loop = new ScheduledBackups(controller, clock, listeners);
            try (StatusServer status = page.map(settings -> StatusServer.start(settings, board, loop,
                    sharedPort ? Optional.of(metrics.handler()) : Optional.empty(), clock)).orElse(null)) {
                loop.run();
            }
            return 0;
        } finally {
            if (metrics != null) {
                metrics.close();
            }
        }
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
