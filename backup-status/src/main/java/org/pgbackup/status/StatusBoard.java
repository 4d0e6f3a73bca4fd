package org.pgbackup.status;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.UnaryOperator;
import org.pgbackup.config.Configuration;
import org.pgbackup.config.Mode;
import org.pgbackup.controller.ArchiveInfo;
import org.pgbackup.controller.ArchiveListing;
import org.pgbackup.controller.BackupController;
import org.pgbackup.controller.DrillResult;
import org.pgbackup.controller.DumpResult;
import org.pgbackup.controller.RunListener;
import org.pgbackup.controller.RunLog;
import org.pgbackup.controller.RunRecord;
import org.pgbackup.error.BackupException;
import org.pgbackup.naming.BackupKind;
import org.pgbackup.status.ServiceStatus.Status;
import org.tinylog.Logger;

/**
 * What the status page shows, kept in memory and brought up to date by the runs' events, so
 * that a page for hundreds of services is drawn without touching storage. After each run the
 * service's archives are listed again on the run's own thread; a page or API call for one
 * service lists them again when the last listing is older than {@link #RELISTING}, and the
 * overview has listings older than {@link #OVERVIEW_RELISTING} redone on the board's thread,
 * which catches archives another controller stored.
 *
 * <p>Thread-safe. {@link #close()} ends its thread.
 */
public final class StatusBoard implements RunListener, AutoCloseable {
    /** How old a service's listing may be when one service's page or API asks for it. */
    static final Duration RELISTING = Duration.ofMinutes(1);
    /**
     * How old listings may grow while only the overview is read: older ones are listed again in
     * the background, so that archives another controller stored show up without slowing the page.
     */
    static final Duration OVERVIEW_RELISTING = Duration.ofMinutes(5);

    private final BackupController controller;
    private final Clock clock;
    private final Map<String, ServiceState> states = new ConcurrentHashMap<>();
    private final Set<String> queued = ConcurrentHashMap.newKeySet();
    private final ExecutorService relister = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "status-relist");
        thread.setDaemon(true);
        return thread;
    });

    /** A board for the controller's services, each read from its run history once. */
    public StatusBoard(BackupController controller, Clock clock) {
        this.controller = requireNonNull(controller, "controller is null");
        this.clock = requireNonNull(clock, "clock is null");
        for (String service : controller.configuration().serviceNames()) {
            ServiceState state = withNewestRun(ServiceState.unknown(), service);
            states.put(service, state.drilled(controller.lastDrill(service), Optional.empty()));
        }
    }

    Instant now() {
        return clock.instant();
    }

    Configuration configuration() {
        return controller.configuration();
    }

    BackupController controller() {
        return controller;
    }

    private ServiceState withNewestRun(ServiceState state, String service) {
        try {
            RunLog log = controller.runLog(service);
            return state.ran(log.runs().stream().findFirst(), log.unreadable());
        } catch (BackupException e) {
            Logger.warn("{}: reading the run history failed: {}", service, e.getMessage());
            return state;
        }
    }

    private void update(String service, UnaryOperator<ServiceState> change) {
        states.computeIfPresent(service, (name, state) -> change.apply(state));
    }

    /** The state of a service, listed again first when its listing is older than {@link #RELISTING}. */
    ServiceState fresh(String service) {
        ServiceState state = states.get(service);
        if (state != null && state.listedAt().isBefore(clock.instant().minus(RELISTING))) {
            relist(service);
        }
        return states.get(service);
    }

    private void relist(String service) {
        try {
            ArchiveListing listing = controller.list(service);
            update(service, s -> s.listed(listing, clock.instant()));
        } catch (BackupException e) {
            update(service, s -> s.listingFailed(e.getMessage().lines().findFirst().orElse(""), clock.instant()));
        }
    }

    /**
     * Lists the service again on the run's own thread, as the loop counts archives after each
     * run, so that whoever learns the run ended (the API's run, the next page) sees its archive.
     */
    private void afterRun(String service) {
        relist(service);
        update(service, s -> withNewestRun(s.running(Optional.empty()), service));
    }

    /** Lists the service again on the board's thread, unless that is queued already. */
    private void relistLater(String service) {
        if (!queued.add(service)) {
            return;
        }
        try {
            relister.execute(() -> {
                queued.remove(service);
                relist(service);
            });
        } catch (RejectedExecutionException e) {
            // Closed: the page is gone too.
            queued.remove(service);
        }
    }

    /** Whether a dump of the service is in progress. */
    boolean running(String service) {
        ServiceState state = states.get(service);
        return state != null && state.running().isPresent();
    }

    @Override
    public void serviceObserved(String service, ArchiveListing listing) {
        update(service, s -> s.listed(listing, clock.instant()));
    }

    @Override
    public void serviceStarted(String service) {
        update(service, s -> s.running(Optional.of(new ServiceState.Running(clock.instant(), 0))));
    }

    @Override
    public void transferred(String service, long bytes) {
        update(service, s -> s.running(s.running().map(r -> new ServiceState.Running(r.started(), bytes))));
    }

    @Override
    public void serviceSucceeded(DumpResult result, Map<String, Integer> archives) {
        afterRun(result.service());
    }

    @Override
    public void serviceSkipped(String service, BackupKind kind, BackupException reason) {
        afterRun(service);
    }

    @Override
    public void serviceFailed(String service, BackupKind kind, Duration duration, BackupException failure) {
        afterRun(service);
    }

    @Override
    public void drillSucceeded(DrillResult result) {
        update(result.service(), s -> s.drilled(Optional.of(result.finishedAt()), Optional.empty()));
    }

    @Override
    public void drillFailed(String service, BackupException failure) {
        update(service, s -> s.drilled(Optional.empty(), Optional.of(failure.getMessage().lines().findFirst()
                .orElse(""))));
    }

    /** Every row of the overview, in the configuration's order: each service, then its databases. */
    List<ServiceStatus> statuses() {
        Instant now = clock.instant();
        Configuration config = controller.configuration();
        Optional<Duration> limit = config.freshnessLimit(now);
        Optional<Instant> next = config.mode() == Mode.PRODUCTION ? Optional.of(config.schedule().next(now))
                : Optional.empty();
        List<ServiceStatus> rows = new ArrayList<>();
        Instant old = now.minus(OVERVIEW_RELISTING);
        for (String service : config.serviceNames()) {
            ServiceState state = states.get(service);
            if (state.listedAt().isBefore(old)) {
                relistLater(service);
            }
            rows.addAll(rows(service, state, now, limit, next));
        }
        return rows;
    }

    /** The rows of one service, listed again first when its listing is old. */
    List<ServiceStatus> statuses(String service) {
        Instant now = clock.instant();
        Configuration config = controller.configuration();
        Optional<Instant> next = config.mode() == Mode.PRODUCTION ? Optional.of(config.schedule().next(now))
                : Optional.empty();
        return rows(service, fresh(service), now, config.freshnessLimit(now), next);
    }

    private List<ServiceStatus> rows(String service, ServiceState state, Instant now, Optional<Duration> limit,
            Optional<Instant> next) {
        List<ArchiveInfo> archives = state.listing().map(ArchiveListing::archives).orElse(List.of());
        List<ServiceStatus> rows = new ArrayList<>();
        rows.add(row(service, Optional.empty(), state, archives, now, limit, next, true));
        if (controller.configuration().service(service).wholeServer()) {
            Map<String, List<ArchiveInfo>> byDatabase = new LinkedHashMap<>();
            archives.stream().filter(a -> a.database().isPresent())
                    .sorted(Comparator.comparing(a -> a.database().orElseThrow()))
                    .forEach(a -> byDatabase.computeIfAbsent(a.database().orElseThrow(), d -> new ArrayList<>()).add(a));
            byDatabase.forEach((database, ofDatabase) -> rows.add(row(service, Optional.of(database), state,
                    ofDatabase, now, limit, next, false)));
        }
        return rows;
    }

    private ServiceStatus row(String service, Optional<String> database, ServiceState state,
            List<ArchiveInfo> archives, Instant now, Optional<Duration> limit, Optional<Instant> next,
            boolean serviceRow) {
        Optional<ArchiveInfo> newest = archives.stream().filter(ArchiveInfo::complete)
                .max(Comparator.comparing(ArchiveInfo::name));
        List<String> missing = newest.map(n -> controller.configuration().targets().stream()
                .filter(t -> !n.locations().contains(t) || n.incompleteIn().contains(t)).toList()).orElse(List.of());
        Optional<RunRecord> lastRun = state.lastRun();
        Status status;
        String detail;
        Optional<Duration> age = newest.map(n -> Duration.between(n.name().createdAt(), now));
        boolean failedSince = lastRun.filter(r -> r.outcome() == RunRecord.Outcome.FAILED)
                .filter(r -> newest.isEmpty() || r.started().isAfter(newest.get().name().createdAt())).isPresent();
        if (serviceRow && state.running().isPresent()) {
            status = Status.RUNNING;
            detail = "dumping since " + state.running().get().started();
        } else if (serviceRow && failedSince) {
            status = Status.FAILED;
            detail = "the last run failed: " + lastRun.flatMap(RunRecord::error).orElse("");
        } else if (newest.isEmpty()) {
            status = Status.STALE;
            detail = state.listingError().map(e -> "cannot list archives: " + e).orElse("no complete archive");
        } else if (limit.isPresent() && age.get().compareTo(limit.get()) > 0) {
            status = Status.STALE;
            detail = "the newest complete archive is older than " + Text.duration(limit.get());
        } else {
            status = Status.FRESH;
            detail = limit.map(l -> "the newest complete archive is within " + Text.duration(l))
                    .orElse("a complete archive exists");
        }
        if (!missing.isEmpty() && status == Status.FRESH) {
            detail += "; not yet in " + String.join(", ", missing);
        }
        return new ServiceStatus(service, database, status, detail, newest, missing, state.running(), lastRun, next,
                state.lastDrill());
    }

    @Override
    public void close() {
        relister.shutdownNow();
    }
}
