package org.pgbackup.controller;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.pgbackup.config.Configuration;
import org.pgbackup.config.Mode;
import org.pgbackup.config.ServiceSettings;
import org.pgbackup.error.BackupException;
import org.pgbackup.error.HeldByOtherControllerException;
import org.pgbackup.internal.operation.ServiceRuns;
import org.pgbackup.internal.operation.WalSupervision;
import org.pgbackup.internal.postgres.SlotClaims;
import org.pgbackup.naming.BackupKind;
import org.pgbackup.naming.BackupName;
import org.tinylog.Logger;

/**
 * The automated mode behind {@code start}: with {@code MODE=production}, dumps every service
 * at each time of the schedule, then applies retention, and streams the WAL of the services with
 * point-in-time recovery and takes their base backups ({@code WalSupervision}); otherwise it
 * stays up and does nothing, and says so. A service that fails is logged and does not stop the others or the
 * loop. {@link #stop()} ends the loop after the dump in progress.
 */
public final class ScheduledBackups {
    private static final Duration MAX_NAP = Duration.ofMinutes(1);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss xxx");

    private final BackupController controller;
    private final Clock clock;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final List<RunListener> listeners;
    /** Held from a scheduled dump until the run after next, so that a second controller late to the slot skips it. */
    private final SlotClaims claims = new SlotClaims();

    public ScheduledBackups(BackupController controller, Clock clock) {
        this(controller, clock, List.of());
    }

    /** @param listeners told about every run, for metrics and notifications */
    public ScheduledBackups(BackupController controller, Clock clock, List<RunListener> listeners) {
        this.controller = requireNonNull(controller, "controller is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.listeners = List.copyOf(listeners);
    }

    /** Every listener hears every dump's progress. */
    private final ProgressListener progress = new ProgressListener() {
        @Override
        public void phase(String service, Phase phase) {
            tell(service + "'s phase", l -> l.phase(service, phase));
        }

        @Override
        public void transferred(String service, long bytes) {
            tell(service + "'s progress", l -> l.transferred(service, bytes));
        }
    };

    private void tell(String what, Consumer<RunListener> event) {
        for (RunListener listener : listeners) {
            try {
                event.accept(listener);
            } catch (RuntimeException e) {
                Logger.warn("Telling {} about {} failed: {}", listener.getClass().getSimpleName(), what, e.toString());
            }
        }
    }

    /** Runs until {@link #stop()}. */
    public void run() {
        Configuration config = controller.configuration();
        Logger.info("Using configuration {}", config.describe());
        observeStoredArchives();
        if (config.mode() != Mode.PRODUCTION) {
            Logger.info("Scheduled dumps are off: MODE is not production (set MODE=production to dump {} on the"
                    + " schedule {}). Waiting for a stop signal.", String.join(", ", config.serviceNames()),
                    config.schedule());
            awaitStop(null);
            return;
        }
        Logger.info("Scheduled dumps of {} on {}; shared copies {}", String.join(", ", config.serviceNames()),
                config.schedule(), config.copyToShared() ? "on (COPING_TO_SHARED=true)" : "off");
        config.drills().schedule().ifPresent(drills -> Logger.info("Restore drills of {} on {}",
                String.join(", ", config.serviceNames()), drills));
        WalSupervision wal = new WalSupervision(controller.pointInTimeRecovery(), config, clock, this::tell);
        wal.start();
        try {
            while (!stopRequested()) {
                Instant now = clock.instant();
                Instant nextRun = config.schedule().next(now);
                Optional<Instant> nextDrill = config.drills().schedule().map(drills -> drills.next(now));
                Instant next = nextDrill.filter(drill -> drill.isBefore(nextRun)).orElse(nextRun);
                Logger.info("Next {} at {}", next.equals(nextRun) ? "run" : "drill",
                        TIME.format(ZonedDateTime.ofInstant(next, config.zone())));
                if (!awaitStop(next)) {
                    if (next.equals(nextRun)) {
                        runOnce(nextRun);
                    }
                    if (nextDrill.filter(drill -> !drill.isAfter(next)).isPresent()) {
                        drillOnce();
                    }
                }
            }
        } finally {
            // The claims end with the loop: a stopped controller leaves its databases to the others.
            claims.close();
            wal.close();
        }
        Logger.info("Scheduled dumps stopped");
    }

    /** Tells the listeners what each service has in storage already; a failure to list is only logged. */
    private void observeStoredArchives() {
        for (String service : controller.configuration().serviceNames()) {
            try {
                ArchiveListing listing = controller.list(service);
                tell(service + "'s stored archives", l -> l.serviceObserved(service, listing));
                observeMissing(service);
            } catch (BackupException e) {
                Logger.warn("{}: listing the stored archives failed: {}", service, e.getMessage());
            }
        }
    }

    /**
     * One run: every service, {@code BACKUP_PARALLELISM} at a time, each with its own result.
     *
     * @param slot the time of the schedule that the run is for, which its claims name
     */
    void runOnce(Instant slot) {
        Configuration config = controller.configuration();
        claims.releaseAllButLatest();
        tell("the run's start", RunListener::runStarted);
        List<Boolean> succeeded = ServiceRuns.each(config.serviceNames(), config.parallelism(),
                service -> runService(service, slot));
        boolean ok = !succeeded.contains(false);
        tell("the run's end", l -> l.runFinished(ok));
    }

    /** Drills every service, one at a time; a failed drill is logged and told, and backups go on. */
    void drillOnce() {
        for (String service : controller.configuration().serviceNames()) {
            if (stopRequested()) {
                return;
            }
            try {
                DrillResult result = controller.drill(service);
                tell(service + "'s drill", l -> l.drillSucceeded(result));
            } catch (BackupException e) {
                Logger.error("{}: drill failed: {}", service, e.getMessage());
                tell(service + "'s drill", l -> l.drillFailed(service, e));
            }
        }
    }

    /** Dumps one service of a run; whether its archive is complete everywhere. */
    private boolean runService(String service, Instant slot) {
        if (stopRequested()) {
            Logger.info("{}: skipped, stopping", service);
            return true;
        }
        try {
            return dump(service, Optional.of(slot)).complete();
        } catch (HeldByOtherControllerException e) {
            return true;
        } catch (BackupException e) {
            return false;
        }
    }

    /**
     * Dumps one service now, outside the schedule, as a slot of the schedule would: the same
     * log line, the listeners hear it (metrics, notifications), shared copy and verification
     * as configured. For "back up now" requests; it may run beside {@link #run()}, and the
     * service's lock keeps two dumps of one service apart.
     *
     * @return the dump's result
     * @throws org.pgbackup.error.UnknownServiceException if there is no such service
     * @throws HeldByOtherControllerException if another controller was dumping the database
     * @throws BackupException if the dump failed
     */
    public DumpResult dumpNow(String service) {
        return dump(service, Optional.empty());
    }

    /** A dump of a slot also claims the slot: see {@link SlotClaims}. A dump now claims nothing. */
    private DumpResult dump(String service, Optional<Instant> slot) {
        Configuration config = controller.configuration();
        ServiceSettings settings = config.service(service);
        Instant start = clock.instant();
        tell(service + "'s start", l -> l.serviceStarted(service));
        try {
            if (slot.isPresent() && config.serverLock()) {
                // The slot the dump is in, which may be later than its run's: see SlotClaims#claimCurrent.
                claims.claimCurrent(settings, () -> config.schedule().latest(slot.get(), clock.instant()));
            }
            DumpOptions options = DumpOptions.defaults().progress(progress);
            DumpResult result = controller.dump(service, config.copyToShared() ? options.toShared() : options);
            Logger.info("{}: run {} kind={} archive={} size={} duration={}s result={}", service,
                    TIME.format(ZonedDateTime.ofInstant(start, config.zone())), result.name().kind().label(),
                    result.name(), result.size(), seconds(result.duration()),
                    result.complete() ? "ok" : "incomplete " + result.failedDestinations().keySet());
            Map<String, Integer> archives = archiveCounts(service);
            tell(service + "'s success", l -> l.serviceSucceeded(result, archives));
            observeMissing(service);
            if (config.verifyAfterDump() && result.complete()) {
                tell(service + "'s verification", l -> l.serviceVerified(service));
            }
            return result;
        } catch (HeldByOtherControllerException e) {
            BackupKind kind = BackupName.startedAt(start, config.zone()).kind();
            Logger.warn("{}: run {} kind={} result=skipped: {}", service,
                    TIME.format(ZonedDateTime.ofInstant(start, config.zone())), kind.label(), e.getMessage());
            tell(service + "'s skip", l -> l.serviceSkipped(service, kind, e));
            throw e;
        } catch (BackupException e) {
            BackupKind kind = BackupName.startedAt(start, config.zone()).kind();
            Duration took = Duration.between(start, clock.instant());
            Logger.error("{}: run {} kind={} duration={}s result=failed: {}", service,
                    TIME.format(ZonedDateTime.ofInstant(start, config.zone())), kind.label(), seconds(took),
                    e.getMessage());
            tell(service + "'s failure", l -> l.serviceFailed(service, kind, took, e));
            throw e;
        }
    }

    /** With several destinations, what each lacks; a failure to list is only logged. */
    private void observeMissing(String service) {
        if (controller.configuration().targets().size() < 2) {
            return;
        }
        try {
            Map<String, Integer> missing = controller.missingArchives(service);
            tell(service + "'s missing archives", l -> l.archivesMissing(service, missing));
        } catch (BackupException e) {
            Logger.warn("{}: counting missing archives failed: {}", service, e.getMessage());
        }
    }

    private Map<String, Integer> archiveCounts(String service) {
        try {
            return controller.countArchives(service);
        } catch (BackupException e) {
            Logger.warn("{}: counting archives failed: {}", service, e.getMessage());
            return Map.of();
        }
    }

    private static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.1f", duration.toMillis() / 1000.0);
    }

    /** Asks the loop to end; the dump in progress, if any, goes on to its end. */
    public void stop() {
        stopped.countDown();
    }

    private boolean stopRequested() {
        return stopped.getCount() == 0;
    }

    /**
     * Waits until an instant, or for ever when it is null, waking early on {@link #stop()}.
     * It naps in short steps so that a clock that jumps is noticed.
     *
     * @return whether a stop was requested
     */
    private boolean awaitStop(Instant until) {
        try {
            while (true) {
                Duration left = until == null ? MAX_NAP : Duration.between(clock.instant(), until);
                if (left.isNegative() || left.isZero()) {
                    return stopRequested();
                }
                if (stopped.await(Math.min(left.toMillis(), MAX_NAP.toMillis()) + 1, TimeUnit.MILLISECONDS)) {
                    return true;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop();
            return true;
        }
    }
}
