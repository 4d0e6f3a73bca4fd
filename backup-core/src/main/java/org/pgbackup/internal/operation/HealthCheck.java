package org.pgbackup.internal.operation;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pgbackup.config.Configuration;
import org.pgbackup.config.Mode;
import org.pgbackup.config.ServiceSettings;
import org.pgbackup.controller.ArchiveInfo;
import org.pgbackup.controller.ArchiveListing;
import org.pgbackup.controller.RunRecord;
import org.pgbackup.controller.ServiceHealth;
import org.pgbackup.error.BackupException;
import org.pgbackup.internal.postgres.PgBinaries;
import org.pgbackup.internal.postgres.PgConnection;
import org.pgbackup.internal.postgres.PgVersion;
import org.pgbackup.internal.process.ProcessRunner;
import org.pgbackup.naming.DatabaseDirectory;
import org.pgbackup.pitr.PitrWindow;

/** {@code health}: whether every service's backups are fresh, or outside production its server answers. */
public final class HealthCheck {
    private final Configuration config;
    private final Clock clock;
    private final ProcessRunner runner;
    private final PgBinaries binaries;
    private final Catalog catalog;
    private final PitrWindowRead pitrWindows;

    public HealthCheck(OperationContext ctx, Catalog catalog) {
        this.config = ctx.config();
        this.clock = ctx.clock();
        this.runner = ctx.runner();
        this.binaries = ctx.binaries();
        this.catalog = catalog;
        this.pitrWindows = new PitrWindowRead(ctx);
    }

    public List<ServiceHealth> health() {
        Instant now = clock.instant();
        Optional<Duration> limit = config.freshnessLimit(now);
        List<ServiceHealth> report = new ArrayList<>();
        for (ServiceSettings settings : config.services()) {
            String service = settings.name();
            try {
                ServiceHealth health = limit.isPresent() ? freshness(settings, now, limit.get()) : answers(settings);
                ServiceHealth drilled = config.drills().maxAge().map(max -> withDrill(health, now, max)).orElse(health);
                report.add(settings.pitr().enabled() && config.mode() == Mode.PRODUCTION
                        ? withPitr(drilled, now) : drilled);
            } catch (BackupException e) {
                report.add(new ServiceHealth(service, false, e.getMessage()));
            }
        }
        return report;
    }

    private ServiceHealth freshness(ServiceSettings settings, Instant now, Duration limit) {
        String service = settings.name();
        ArchiveListing listing = catalog.list(service);
        List<ArchiveInfo> archives = listing.archives();
        Optional<ArchiveInfo> newest = archives.stream().filter(ArchiveInfo::complete).findFirst();
        if (settings.wholeServer()) {
            Optional<DatabaseRoster> roster = DatabaseRoster.read(config.stateDirectory(service));
            Map<String, ArchiveInfo> each = newestOfEach(archives, roster);
            Optional<String> without = roster.stream().flatMap(r -> r.backedUp().stream())
                    .filter(d -> !each.containsKey(d)).sorted().findFirst();
            if (without.isPresent()) {
                return new ServiceHealth(service, false, "stale: database '" + DatabaseDirectory.database(without.get())
                        .orElse(without.get()) + "' has no complete archive (limit " + human(limit) + ")");
            }
            newest = each.values().stream().max(Comparator.comparing(ArchiveInfo::name));
        }
        if (newest.isEmpty()) {
            return takenElsewhere(service, now, limit).map(run -> new ServiceHealth(service, true, "fresh: " + skippedDetail(run, now)
                    + "; no complete archive here (limit " + human(limit) + ")")).orElseGet(() -> new ServiceHealth(
                            service, false, "stale: no complete archive (limit " + human(limit) + ")"));
        }
        Duration age = Duration.between(newest.get().name().createdAt(), now);
        String detail = "newest complete archive " + newest.get().path() + " is " + human(age) + " old (limit "
                + human(limit) + ")";
        boolean fresh = age.compareTo(limit) <= 0;
        // The run history is read only for a service that would otherwise be stale.
        Instant newestAt = newest.get().name().createdAt();
        Optional<RunRecord> skipped = fresh ? Optional.empty() : takenElsewhere(service, now, limit)
                .filter(run -> run.started().isAfter(newestAt));
        if (skipped.isPresent()) {
            fresh = true;
            detail = skippedDetail(skipped.get(), now) + "; " + detail;
        }
        Optional<String> lagging = lagging(service, listing);
        return new ServiceHealth(service, fresh && lagging.isEmpty(), (fresh ? "fresh: " : "stale since "
                + newest.get().name().createdAt().plus(limit) + ": ") + detail + lagging.map(l -> "; " + l).orElse(""));
    }

    /**
     * The newest run within the limit that found the database's lock held by another
     * controller: that controller took the slot, so this one is not stale for having stored nothing.
     */
    private Optional<RunRecord> takenElsewhere(String service, Instant now, Duration limit) {
        return RunHistory.read(config.stateDirectory(service), service).runs().stream()
                .filter(run -> run.outcome() == RunRecord.Outcome.SKIPPED)
                .filter(run -> Duration.between(run.started(), now).compareTo(limit) <= 0).findFirst();
    }

    private static String skippedDetail(RunRecord run, Instant now) {
        return "the slot of " + run.started() + " (" + human(Duration.between(run.started(), now))
                + " ago) was taken by another controller";
    }

    /**
     * With several destinations, the first whose newest complete archive lags more than
     * {@code DESTINATION_MAX_LAG} behind the newest archive of all (one that holds none lags
     * by the span of every archive it lacks), said with the fix.
     */
    private Optional<String> lagging(String service, ArchiveListing listing) {
        List<ArchiveInfo> archives = listing.archives();
        Optional<Instant> newest = archives.stream().filter(ArchiveInfo::complete).map(a -> a.name().createdAt())
                .max(Comparator.naturalOrder());
        if (config.targets().size() < 2 || newest.isEmpty()) {
            return Optional.empty();
        }
        Duration max = config.destinationMaxLag();
        // One that cannot be listed now is not judged on what it seems to lack.
        for (String target : config.targets().stream().filter(t -> !listing.unreadableDestinations().containsKey(t))
                .toList()) {
            Optional<Instant> held = archives.stream().filter(a -> a.locations().contains(target)
                    && !a.incompleteIn().contains(target)).map(a -> a.name().createdAt()).max(Comparator.naturalOrder());
            Instant since = held.orElseGet(() -> archives.stream().map(a -> a.name().createdAt())
                    .min(Comparator.naturalOrder()).orElseThrow());
            Duration lag = Duration.between(since, newest.get());
            if (lag.compareTo(max) > 0) {
                return Optional.of("destination " + target + " lags " + human(lag) + " behind the newest archive"
                        + (held.isEmpty() ? " (it holds none)" : "") + ", more than DESTINATION_MAX_LAG " + human(max)
                        + ": " + config.source().operation("sync", service));
            }
        }
        return Optional.empty();
    }

    /**
     * Each database's newest complete archive, by directory: a whole-server service is as
     * fresh as the oldest of them. Databases the last run found gone from the server, or
     * excluded, do not count; their archives only wait for retention.
     */
    private static Map<String, ArchiveInfo> newestOfEach(List<ArchiveInfo> archives, Optional<DatabaseRoster> roster) {
        Map<String, ArchiveInfo> newest = new LinkedHashMap<>();
        for (ArchiveInfo archive : archives) {
            String directory = archive.directory().orElseThrow();
            if (archive.complete() && roster.map(r -> r.backedUp().contains(directory)).orElse(true)) {
                newest.merge(directory, archive, (a, b) -> a.name().compareTo(b.name()) <= 0 ? a : b);
            }
        }
        return newest;
    }

    /** A service is unhealthy, too, when its last good drill is older than {@code DRILL_MAX_AGE}. */
    private ServiceHealth withDrill(ServiceHealth health, Instant now, Duration max) {
        Optional<Instant> last = LastDrill.read(DrillOperation.directory(config, health.service()));
        if (last.isEmpty()) {
            return new ServiceHealth(health.service(), false, health.detail() + "; no drill has passed (DRILL_MAX_AGE "
                    + human(max) + "): " + config.source().operation("drill", health.service()));
        }
        Duration age = Duration.between(last.get(), now);
        boolean recent = age.compareTo(max) <= 0;
        return new ServiceHealth(health.service(), health.healthy() && recent, health.detail() + "; last good drill "
                + human(age) + " ago" + (recent ? "" : ", older than DRILL_MAX_AGE " + human(max)));
    }

    /**
     * A service with point-in-time recovery is unhealthy, too, when a destination has no base
     * backup, a gap in its WAL, or no WAL archived within {@code WAL_MAX_LAG}: the segment being
     * written is stored every {@code WAL_PARTIAL_SECONDS} even when the server is idle, so an
     * archive that stops moving means streaming stopped.
     */
    private ServiceHealth withPitr(ServiceHealth health, Instant now) {
        String service = health.service();
        Duration max = config.pitr().maxLag();
        List<String> problems = new ArrayList<>();
        Optional<String> window = Optional.empty();
        for (PitrWindow each : pitrWindows.windows(service)) {
            String in = " in " + each.destination();
            if (each.baseBackups().isEmpty()) {
                problems.add("no base backup" + in + " (start takes one once streaming works; or run 'basebackup "
                        + service + "')");
            } else if (each.gap().isPresent()) {
                problems.add("the point-in-time window" + in + " has a gap: " + each.gap().get());
            } else {
                Instant to = each.to().orElseThrow();
                Duration lag = Duration.between(to, now);
                if (lag.compareTo(max) > 0) {
                    problems.add("the last WAL" + in + " was archived " + human(lag) + " ago, more than WAL_MAX_LAG "
                            + human(max) + " (is start running, and streaming?)");
                }
                window = window.or(() -> Optional.of("point-in-time window " + each.from().orElseThrow() + " to " + to
                        + in + each.earlierGap().map(why -> " (earlier times cannot all be reached: " + why + ")")
                                .orElse("")));
            }
        }
        return new ServiceHealth(service, health.healthy() && problems.isEmpty(), health.detail() + "; "
                + (problems.isEmpty() ? window.orElse("") : String.join("; ", problems)));
    }

    private ServiceHealth answers(ServiceSettings settings) {
        PgVersion version = new PgConnection(settings.wholeServer() ? settings.forDatabase("postgres") : settings,
                runner).serverVersion(binaries);
        return new ServiceHealth(settings.name(), true, "server at " + settings.address() + " answers (PostgreSQL "
                + version + "); no freshness limit outside production without HEALTH_MAX_AGE");
    }

    private static String human(Duration d) {
        long minutes = d.toMinutes();
        return minutes >= 120 ? (minutes / 60) + "h" + (minutes % 60 == 0 ? "" : (minutes % 60) + "m")
                : minutes >= 1 ? minutes + "m" : d.toSeconds() + "s";
    }
}
