package org.pgbackup.cli;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import com.sun.net.httpserver.HttpHandler;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.pgbackup.notify.Notifications;
import org.pgbackup.controller.ArchiveInfo;
import org.pgbackup.controller.ArchiveListing;
import org.pgbackup.manifest.Manifest;
import org.pgbackup.controller.DrillResult;
import org.pgbackup.pitr.BaseBackupResult;
import org.pgbackup.pitr.WalPosition;
import org.pgbackup.controller.DumpResult;
import org.pgbackup.controller.RunListener;
import org.pgbackup.error.BackupException;
import org.pgbackup.error.StorageException;
import org.pgbackup.naming.BackupKind;

/**
 * The Prometheus metrics of scheduled runs, at {@code /metrics}: on a server of their own on
 * {@code METRICS_PORT}, or through {@link #handler()} beside the status page when it shares the port.
 */
final class PrometheusMetrics implements RunListener, Notifications.Outcomes, AutoCloseable {
    private final Clock clock;
    private final PrometheusRegistry registry;
    private final Optional<HTTPServer> server;
    private final Gauge lastSuccess;
    private final Gauge lastDuration;
    private final Gauge lastSize;
    private final Counter runs;
    private final Gauge archives;
    private final Gauge missing;
    private final Gauge lastVerified;
    private final Gauge streamed;
    private final Gauge lastDrill;
    private final Counter drills;
    private final Counter notifications;
    private final Gauge lastWal;
    private final Counter walFiles;
    private final Gauge walGaps;
    private final Counter walFailures;
    private final Gauge lastBaseBackup;
    private final Gauge lastBaseBackupSize;
    private final Counter baseBackups;
    private final Gauge walLagBytes;
    private final Gauge walLagSeconds;
    private final Gauge slotRetained;
    private final Gauge currentLsn;
    private final Gauge archivedLsn;

    private PrometheusMetrics(Optional<Integer> port, Clock clock) throws IOException {
        this.clock = clock;
        registry = new PrometheusRegistry();
        lastSuccess = Gauge.builder().name("pgbackup_last_success_timestamp_seconds")
                .help("When the last successful backup of the service finished").labelNames("service")
                .register(registry);
        lastDuration = Gauge.builder().name("pgbackup_last_duration_seconds")
                .help("How long the service's last backup run took").labelNames("service").register(registry);
        lastSize = Gauge.builder().name("pgbackup_last_size_bytes")
                .help("The size of the service's last archive").labelNames("service").register(registry);
        runs = Counter.builder().name("pgbackup_runs_total").help("Backup runs by result (ok, incomplete, failed, skipped: another controller took the slot)")
                .labelNames("service", "result").register(registry);
        archives = Gauge.builder().name("pgbackup_archives").help("Archives kept, per destination")
                .labelNames("service", "destination").register(registry);
        missing = Gauge.builder().name("pgbackup_archives_missing")
                .help("Archives a destination lacks of those another holds; sync copies them")
                .labelNames("service", "destination").register(registry);
        lastVerified = Gauge.builder().name("pgbackup_last_verified_timestamp_seconds")
                .help("When the service's last archive was read back and verified").labelNames("service")
                .register(registry);
        streamed = Gauge.builder().name("pgbackup_dump_streamed_bytes")
                .help("Bytes the service's running dump has stored so far; 0 when none runs").labelNames("service")
                .register(registry);
        lastDrill = Gauge.builder().name("pgbackup_last_drill_success_timestamp_seconds")
                .help("When the service's last restore drill passed").labelNames("service").register(registry);
        drills = Counter.builder().name("pgbackup_drills_total").help("Restore drills by result (ok, failed)")
                .labelNames("service", "result").register(registry);
        notifications = Counter.builder().name("pgbackup_notifications_total")
                .help("Notices sent to each kind of channel, by result (ok, failed)").labelNames("channel", "result")
                .register(registry);
        lastWal = Gauge.builder().name("pgbackup_pitr_last_wal_archived_timestamp_seconds")
                .help("When the service's last WAL file was stored in every destination").labelNames("service")
                .register(registry);
        walFiles = Counter.builder().name("pgbackup_pitr_wal_files_archived").help("WAL files stored in every"
                + " destination since start").labelNames("service").register(registry);
        walGaps = Gauge.builder().name("pgbackup_pitr_wal_gaps").help("Times the service's replication slot was"
                + " found dropped since start: each is a gap in the archive until the next base backup")
                .labelNames("service").register(registry);
        walFailures = Counter.builder().name("pgbackup_pitr_wal_failures").help("Times WAL streaming could not start"
                + " or met a gap").labelNames("service").register(registry);
        lastBaseBackup = Gauge.builder().name("pgbackup_pitr_last_base_backup_timestamp_seconds")
                .help("When the service's last base backup ended").labelNames("service").register(registry);
        lastBaseBackupSize = Gauge.builder().name("pgbackup_pitr_last_base_backup_size_bytes")
                .help("The stored size of the service's last base backup").labelNames("service").register(registry);
        baseBackups = Counter.builder().name("pgbackup_pitr_base_backups").help("Base backups by result (ok, failed)")
                .labelNames("service", "result").register(registry);
        walLagBytes = Gauge.builder().name("pgbackup_pitr_wal_lag_bytes").help("WAL the server wrote that is not yet"
                + " stored as a whole segment (under one segment when archiving keeps up)").labelNames("service")
                .register(registry);
        walLagSeconds = Gauge.builder().name("pgbackup_pitr_wal_lag_seconds").help("How long a finished WAL segment"
                + " has waited to be stored; 0 when every finished one is").labelNames("service").register(registry);
        slotRetained = Gauge.builder().name("pgbackup_pitr_slot_retained_bytes").help("WAL the service's replication"
                + " slot holds back on its server").labelNames("service").register(registry);
        currentLsn = Gauge.builder().name("pgbackup_pitr_server_lsn_bytes").help("The server's current WAL position,"
                + " as a byte offset").labelNames("service").register(registry);
        archivedLsn = Gauge.builder().name("pgbackup_pitr_archived_lsn_bytes").help("Where the newest WAL segment"
                + " stored whole ends, as a byte offset: everything before it is archived").labelNames("service")
                .register(registry);
        server = port.isPresent() ? Optional.of(HTTPServer.builder().port(port.get()).registry(registry)
                .buildAndStart()) : Optional.empty();
    }

    /** Metrics on a server of their own. */
    static PrometheusMetrics serve(int port, Clock clock) {
        try {
            return new PrometheusMetrics(Optional.of(port), clock);
        } catch (IOException e) {
            throw new StorageException("Cannot serve metrics on METRICS_PORT=" + port + ": " + e.getMessage()
                    + ". Pick a free port", e);
        }
    }

    /** Metrics served by another server, through {@link #handler()}. */
    static PrometheusMetrics unserved(Clock clock) {
        try {
            return new PrometheusMetrics(Optional.empty(), clock);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** What answers {@code /metrics} on another server. */
    HttpHandler handler() {
        return new MetricsHandler(registry);
    }

    @Override
    public void phase(String service, Phase phase) {
        if (phase == Phase.DUMPING || phase == Phase.FINISHED) {
            streamed.labelValues(service).set(0);
        }
    }

    @Override
    public void transferred(String service, long bytes) {
        streamed.labelValues(service).set(bytes);
    }

    private double now() {
        return clock.millis() / 1000.0;
    }

    @Override
    public void serviceObserved(String service, ArchiveListing listing) {
        Map<String, Integer> counts = new TreeMap<>();
        for (ArchiveInfo archive : listing.archives()) {
            archive.locations().forEach(destination -> counts.merge(destination, 1, Integer::sum));
        }
        counts.forEach((destination, count) -> archives.labelValues(service, destination).set(count));
        listing.archives().stream().filter(ArchiveInfo::complete).findFirst().ifPresent(newest -> {
            Instant finished = newest.manifest().map(Manifest::finishedAt).orElse(newest.name().createdAt());
            lastSuccess.labelValues(service).set(finished.toEpochMilli() / 1000.0);
            lastSize.labelValues(service).set(newest.size());
        });
    }

    @Override
    public void serviceSucceeded(DumpResult result, Map<String, Integer> counts) {
        String service = result.service();
        if (result.complete()) {
            lastSuccess.labelValues(service).set(now());
        }
        lastDuration.labelValues(service).set(result.duration().toMillis() / 1000.0);
        lastSize.labelValues(service).set(result.size());
        runs.labelValues(service, result.complete() ? "ok" : "incomplete").inc();
        counts.forEach((destination, count) -> archives.labelValues(service, destination).set(count));
    }

    @Override
    public void archivesMissing(String service, Map<String, Integer> counts) {
        counts.forEach((destination, count) -> missing.labelValues(service, destination).set(count));
    }

    @Override
    public void serviceFailed(String service, BackupKind kind, Duration duration, BackupException failure) {
        lastDuration.labelValues(service).set(duration.toMillis() / 1000.0);
        runs.labelValues(service, "failed").inc();
    }

    @Override
    public void serviceSkipped(String service, BackupKind kind, BackupException reason) {
        runs.labelValues(service, "skipped").inc();
    }

    @Override
    public void serviceVerified(String service) {
        lastVerified.labelValues(service).set(now());
    }

    @Override
    public void drillSucceeded(DrillResult result) {
        lastDrill.labelValues(result.service()).set(result.finishedAt().toEpochMilli() / 1000.0);
        drills.labelValues(result.service(), "ok").inc();
    }

    @Override
    public void drillFailed(String service, BackupException failure) {
        drills.labelValues(service, "failed").inc();
    }

    @Override
    public void baseBackupSucceeded(BaseBackupResult result) {
        lastBaseBackup.labelValues(result.service()).set(result.backup().ended().toEpochMilli() / 1000.0);
        lastBaseBackupSize.labelValues(result.service()).set(result.backup().size());
        baseBackups.labelValues(result.service(), "ok").inc();
    }

    @Override
    public void baseBackupFailed(String service, BackupException failure) {
        baseBackups.labelValues(service, "failed").inc();
    }

    @Override
    public void walFailed(String service, String problem) {
        walFailures.labelValues(service).inc();
    }

    @Override
    public void walArchived(String service, int archived, Instant lastArchived, int gaps) {
        lastWal.labelValues(service).set(lastArchived.toEpochMilli() / 1000.0);
        double before = walFiles.labelValues(service).get();
        walFiles.labelValues(service).inc(Math.max(0, archived - before));
        walGaps.labelValues(service).set(gaps);
    }

    @Override
    public void walPosition(String service, WalPosition position) {
        walLagBytes.labelValues(service).set(position.lagBytes());
        walLagSeconds.labelValues(service).set(position.lag().toMillis() / 1000.0);
        slotRetained.labelValues(service).set(position.slotRetainedBytes());
        if (position.archivedThrough() > 0) {
            archivedLsn.labelValues(service).set(position.archivedThrough());
        }
        String[] lsn = position.currentLsn().split("/");
        currentLsn.labelValues(service).set(Long.parseLong(lsn[0], 16) * 0x1_0000_0000L + Long.parseLong(lsn[1], 16));
    }

    @Override
    public void notified(String channel, boolean delivered) {
        notifications.labelValues(channel, delivered ? "ok" : "failed").inc();
    }

    @Override
    public void close() {
        server.ifPresent(HTTPServer::stop);
    }
}
