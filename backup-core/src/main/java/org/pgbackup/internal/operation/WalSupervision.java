package org.pgbackup.internal.operation;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.pgbackup.config.Configuration;
import org.pgbackup.controller.PointInTimeRecovery;
import org.pgbackup.controller.RunListener;
import org.pgbackup.pitr.BaseBackupResult;
import org.pgbackup.pitr.WalPosition;
import org.pgbackup.error.BackupException;
import org.pgbackup.pitr.WalStream;
import org.tinylog.Logger;

/**
 * Point-in-time recovery while {@code start} runs, on a thread of its own so that dumps never
 * wait for it: each service with {@code <PREFIX>_PITR=true} gets its WAL stream once its server
 * is ready (a server that is not is named with everything it lacks, once, and asked again each
 * {@link #RETRY} without being changed); a base backup follows at once when the service has none,
 * or when its stream found the slot dropped (a gap, so a new window must start), and then on
 * {@code BASE_BACKUP_SCHEDULE}. Dumps go on whatever happens here.
 */
public final class WalSupervision implements AutoCloseable {
    /** How often a stream that could not start, or a base backup that failed, is tried again. */
    static final Duration RETRY = Duration.ofSeconds(30);
    /** How often the streams are looked at, for a gap to be answered with a base backup soon. */
    private static final Duration LOOK = Duration.ofSeconds(5);

    private final PointInTimeRecovery pitr;
    private final Configuration config;
    private final Clock clock;
    private final Map<String, WalStream> streams = new HashMap<>();
    private final Map<String, Integer> gapsSeen = new HashMap<>();
    private final Map<String, String> refusals = new HashMap<>();
    private final Set<String> baseBackupDue = new LinkedHashSet<>();
    /** When a stream that could not start, or a base backup that failed, is next tried. */
    private final Map<String, Instant> notBefore = new HashMap<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Map<String, Integer> archivedSeen = new HashMap<>();
    private Instant nextPosition = Instant.MIN;
    /** Whether a stream stored something since the servers were last asked where their WAL stands. */
    private boolean moved;
    private final BiConsumer<String, Consumer<RunListener>> tell;
    private final Thread thread;

    /**
     * @param tell tells the run's listeners (metrics, notifications) about an event, named by
     *     its first argument for a failure's log line
     */
    public WalSupervision(PointInTimeRecovery pitr, Configuration config, Clock clock,
            BiConsumer<String, Consumer<RunListener>> tell) {
        this.pitr = pitr;
        this.config = config;
        this.clock = clock;
        this.tell = tell;
        this.thread = new Thread(this::run, "pitr");
    }

    /** Starts the supervision's thread, if any service has point-in-time recovery. */
    public void start() {
        List<String> services = config.pitrServices();
        if (services.isEmpty()) {
            return;
        }
        Logger.info("Point-in-time recovery of {}: WAL streamed to {}, base backups on {}, window {} days", String.join(
                ", ", services), String.join(", ", config.targets()), config.pitr().baseBackups(),
                config.pitr().window().toDays());
        thread.start();
    }

    private void run() {
        try {
            Instant nextBase = config.pitr().baseBackups().next(clock.instant());
            while (stopped.getCount() > 0) {
                tend();
                if (!clock.instant().isBefore(nextBase)) {
                    baseBackupDue.addAll(streams.keySet());
                    nextBase = config.pitr().baseBackups().next(clock.instant());
                }
                takeDueBaseBackups();
                // Asked every half minute, and at each look while WAL moves.
                if (moved || !clock.instant().isBefore(nextPosition)) {
                    moved = false;
                    nextPosition = clock.instant().plus(RETRY);
                    tellPositions();
                }
                Duration wait = Duration.between(clock.instant(), nextBase);
                if (wait.compareTo(LOOK) > 0) {
                    wait = LOOK;
                }
                if (stopped.await(Math.max(1, wait.toMillis()), TimeUnit.MILLISECONDS)) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            streams.values().forEach(WalStream::close);
        }
    }

    /** Starts the streams still missing, and notes the base backups a new stream or a gap calls for. */
    private void tend() {
        for (String service : config.pitrServices()) {
            WalStream stream = streams.get(service);
            if (stream == null) {
                if (clock.instant().isBefore(notBefore.getOrDefault(service, Instant.MIN))) {
                    continue;
                }
                try {
                    stream = pitr.stream(service);
                    streams.put(service, stream);
                    gapsSeen.put(service, 0);
                    refusals.remove(service);
                    if (hasNoBaseBackup(service)) {
                        baseBackupDue.add(service);
                    }
                } catch (BackupException e) {
                    notBefore.put(service, clock.instant().plus(RETRY));
                    if (!e.getMessage().equals(refusals.put(service, e.getMessage()))) {
                        Logger.error("{}: {} (asked again every {} s)", service, e.getMessage(), RETRY.toSeconds());
                        tell.accept(service + "'s WAL streaming", l -> l.walFailed(service, e.getMessage()));
                    }
                    continue;
                }
            }
            if (stream.gaps() > gapsSeen.get(service)) {
                gapsSeen.put(service, stream.gaps());
                Logger.error("{}: the WAL archive has a gap; taking a base backup now so that a new window starts",
                        service);
                tell.accept(service + "'s WAL gap", l -> l.walFailed(service, "The replication slot of '" + service
                        + "' was dropped and has been created again: the WAL written meanwhile is not in the archive,"
                        + " so no restore can reach a time in that gap; a new base backup starts a new window"));
                baseBackupDue.add(service);
            }
            WalStream observed = stream;
            if (observed.archived() != archivedSeen.getOrDefault(service, -1) && observed.lastArchived().isPresent()) {
                archivedSeen.put(service, observed.archived());
                moved = true;
                tell.accept(service + "'s WAL archiving", l -> l.walArchived(service, observed.archived(),
                        observed.lastArchived().get(), observed.gaps()));
            }
        }
    }

    /** Asks each streamed server where its WAL stands, for the metrics. */
    private void tellPositions() {
        streams.forEach((service, stream) -> {
            try {
                WalPosition position = stream.position();
                tell.accept(service + "'s WAL position", l -> l.walPosition(service, position));
            } catch (java.io.IOException | RuntimeException e) {
                Logger.warn("{}: asking the server where its WAL stands failed: {}", service, e.getMessage());
            }
        });
    }

    private boolean hasNoBaseBackup(String service) {
        try {
            return pitr.windows(service).stream().allMatch(window -> window.baseBackups().isEmpty());
        } catch (BackupException e) {
            Logger.warn("{}: reading its base backups failed: {}; taking one", service, e.getMessage());
            return true;
        }
    }

    private void takeDueBaseBackups() {
        for (String service : List.copyOf(baseBackupDue)) {
            if (stopped.getCount() == 0) {
                return;
            }
            if (clock.instant().isBefore(notBefore.getOrDefault(service + " base", Instant.MIN))) {
                continue;
            }
            try {
                // The operation logs what it stored and what retention deleted.
                BaseBackupResult result = pitr.baseBackup(service);
                baseBackupDue.remove(service);
                tell.accept(service + "'s base backup", l -> l.baseBackupSucceeded(result));
            } catch (BackupException e) {
                notBefore.put(service + " base", clock.instant().plus(RETRY));
                Logger.error("{}: base backup failed: {}; trying again in {} s", service, e.getMessage(),
                        RETRY.toSeconds());
                tell.accept(service + "'s base backup", l -> l.baseBackupFailed(service, e));
            }
        }
    }

    /** Ends the streams: each stores what it has before it stops. */
    @Override
    public void close() {
        stopped.countDown();
        if (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
