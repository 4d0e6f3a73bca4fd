package org.pgbackup.internal.operation;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.pgbackup.config.Configuration;
import org.pgbackup.config.ServiceSettings;
import org.pgbackup.controller.BackupController;
import org.pgbackup.controller.Cancellation;
import org.pgbackup.controller.DumpOptions;
import org.pgbackup.controller.DumpResult;
import org.pgbackup.controller.ProgressListener.Phase;
import org.pgbackup.controller.ServiceOutcome;
import org.pgbackup.error.BackupException;
import org.pgbackup.error.DatabaseConnectionException;
import org.pgbackup.error.DatabasesFailedException;
import org.pgbackup.error.DumpFailedException;
import org.pgbackup.internal.postgres.PgConnection;
import org.pgbackup.internal.postgres.PgVersion;
import org.pgbackup.internal.postgres.ServerDatabases.Database;
import org.pgbackup.internal.postgres.ServerDatabases;
import org.pgbackup.naming.BackupName;
import org.pgbackup.naming.DatabaseDirectory;
import org.pgbackup.naming.Sidecar;
import org.pgbackup.spi.Storage;
import org.pgbackup.spi.StoredObject;
import org.tinylog.Logger;

/**
 * {@code dump} of a whole-server service: the server's databases found anew, each dumped
 * into its own directory under one name for the run, {@code BACKUP_PARALLELISM} at a time;
 * the roles once, at the service's level; retention in every database directory, those of
 * databases gone from the server included. One database failing stops none of the others.
 */
public final class WholeServerDump {
    private final OperationContext ctx;
    private final Configuration config;
    private final DumpOperation dumps;
    private final RetentionSweep retention;

    WholeServerDump(OperationContext ctx, DumpOperation dumps) {
        this.ctx = ctx;
        this.config = ctx.config();
        this.dumps = dumps;
        this.retention = new RetentionSweep(ctx);
    }

    DumpResult dump(ServiceSettings settings, DumpOptions options, Cancellation cancellation) {
        Progress progress = new Progress(options.listener(), settings.name(), cancellation, ctx.runner());
        progress.phase(Phase.WAITING_FOR_LOCK);
        try (ServiceLock lock = ctx.lock(settings.name(), "dump")) {
            progress.phase(Phase.CONNECTING);
            return RunHistory.recorded(ctx, settings.name(), () -> dumpLocked(settings, options, progress));
        } finally {
            progress.phase(Phase.FINISHED);
        }
    }

    private DumpResult dumpLocked(ServiceSettings settings, DumpOptions options, Progress course) {
        String service = settings.name();
        Instant started = ctx.clock().instant();
        List<Database> found = discover(settings);
        Set<String> excluded = new HashSet<>(settings.excludeDatabases());
        for (String name : settings.excludeDatabases()) {
            if (found.stream().noneMatch(d -> d.name().equals(name))) {
                Logger.warn("{}: {} names '{}', which is no database of {} that accepts"
                        + " connections; check the spelling (names are exact and case-sensitive)", service,
                        settings.setting("EXCLUDE_DATABASES", "excludeDatabases"), name, settings.address());
            }
        }
        List<Database> chosen = found.stream().filter(d -> !excluded.contains(d.name())).toList();
        new DatabaseRoster(started, directories(chosen), directories(found.stream()
                .filter(d -> excluded.contains(d.name())).toList())).write(config.stateDirectory(service), service);
        if (chosen.isEmpty()) {
            throw new DumpFailedException("Service '" + service + "' has no database to back up at "
                    + settings.address() + ": " + (found.isEmpty() ? "the server has none that accepts connections"
                            + " and is not a template" : "every one is in "
                                    + settings.setting("EXCLUDE_DATABASES", "excludeDatabases")));
        }
        List<String> runDirectories = new ArrayList<>();
        runDirectories.add(service);
        chosen.forEach(d -> runDirectories.add(DumpScope.directoryOf(service, d.name())));
        BackupName run = UnusedName.pick(ctx.clock(), config.zone(), ctx.destinations(), runDirectories,
                config.encryption().form(config.compression().form()));
        Logger.info("{}: whole-server run {}: {} of the {} databases at {}", service, run, chosen.size(),
                found.size(), settings.address());
        Optional<String> roles = roles(settings, chosen, course);

        List<ServiceOutcome<DumpResult>> outcomes = ServiceRuns.each(chosen.stream().map(Database::name).toList(),
                config.parallelism(), name -> {
                    Database database = chosen.stream().filter(d -> d.name().equals(name)).findFirst().orElseThrow();
                    Progress progress = course.part(service + "/" + name, options.listener());
                    try {
                        return ServiceOutcome.success(name, dumps.dump(DumpScope.of(settings, database, run),
                                options.sharedCopy(), progress));
                    } catch (BackupException e) {
                        dumps.keepNewestLocked(DumpScope.directoryOf(service, name));
                        return ServiceOutcome.failure(name, e);
                    } finally {
                        progress.phase(Phase.FINISHED);
                    }
                });
        List<DumpResult> stored = new ArrayList<>();
        Map<String, String> failures = new LinkedHashMap<>();
        for (ServiceOutcome<DumpResult> outcome : outcomes) {
            outcome.result().ifPresent(stored::add);
            outcome.failure().ifPresent(e -> {
                if (droppedMeanwhile(settings, outcome.service())) {
                    Logger.warn("{}: database '{}' was dropped during the run, so nothing is stored for it: {}",
                            service, outcome.service(), e.getMessage());
                } else {
                    Logger.error("{}: database '{}' failed: {}", service, outcome.service(), e.getMessage());
                    failures.put(outcome.service(), e.getMessage());
                }
            });
        }
        Map<String, String> failed = new LinkedHashMap<>();
        Map<String, List<String>> removed = new LinkedHashMap<>();
        stored.forEach(r -> {
            String directory = DatabaseDirectory.of(r.database());
            r.failedDestinations().forEach((id, why) -> failed.put(r.database() + ": " + id, why));
            r.removedByRetention().forEach((id, names) -> names.forEach(n -> removed
                    .computeIfAbsent(id, k -> new ArrayList<>()).add(directory + "/" + n)));
        });
        if (!stored.isEmpty()) {
            saveRoles(service, run, roles, stored, options.sharedCopy(), failed);
            sweep(service, directories(chosen), removed, failed);
        }
        if (!failures.isEmpty()) {
            throw new DatabasesFailedException(DatabaseFailures.describe(service, stored.size() + failures.size(),
                    failures, "failed", "are stored"), failures);
        }
        List<String> everywhere = new ArrayList<>(stored.isEmpty() ? List.of() : stored.get(0).storedIn());
        stored.forEach(r -> everywhere.retainAll(r.storedIn()));
        return new DumpResult(service, run, stored.stream().mapToLong(DumpResult::size).sum(), "",
                Duration.between(started, ctx.clock().instant()), everywhere, failed, removed,
                ServiceSettings.EVERY_DATABASE, stored);
    }

    private static Set<String> directories(List<Database> databases) {
        Set<String> directories = new HashSet<>();
        databases.forEach(d -> directories.add(DatabaseDirectory.of(d.name())));
        return directories;
    }

    private static List<Database> discover(ServiceSettings settings) {
        try (ServerDatabases server = ServerDatabases.connect(settings)) {
            return server.list();
        } catch (SQLException e) {
            throw new DatabaseConnectionException("Cannot list the databases of service '" + settings.name() + "' at "
                    + settings.address() + " (user '" + settings.user() + "'): " + e.getMessage() + " (check that the"
                    + " server runs, and " + settings.connectionSettings() + ")");
        }
    }

    private static boolean droppedMeanwhile(ServiceSettings settings, String database) {
        try (ServerDatabases server = ServerDatabases.connect(settings)) {
            return !server.exists(database);
        } catch (SQLException e) {
            return false;
        }
    }

    /** The roles, once for the run, through the {@code postgres} database or else the first one dumped. */
    private Optional<String> roles(ServiceSettings settings, List<Database> chosen, Progress run) {
        String through = chosen.stream().map(Database::name).filter("postgres"::equals).findFirst()
                .orElse(chosen.get(0).name());
        try {
            PgConnection connection = new PgConnection(settings.forDatabase(through), run.runner());
            PgVersion server = connection.serverVersion(ctx.binaries());
            return RolesRead.read(ctx, connection, server);
        } catch (BackupException e) {
            Logger.warn("{}: roles are not saved with this run: {}", settings.name(), e.getMessage());
            return Optional.empty();
        }
    }

    /** The roles sidecar at the service's level of every destination that holds an archive of the run. */
    private void saveRoles(String service, BackupName run, Optional<String> roles, List<DumpResult> stored,
            boolean toShared, Map<String, String> failed) {
        if (roles.isEmpty()) {
            return;
        }
        Set<String> holding = new HashSet<>();
        stored.forEach(r -> holding.addAll(r.storedIn()));
        try {
            // Roles hold password hashes: encrypted whenever the archives are.
            byte[] sidecar = config.encryption().encrypt(roles.get().getBytes(StandardCharsets.UTF_8));
            for (Map.Entry<String, Storage> destination : ctx.destinations().entrySet()) {
                if (holding.contains(destination.getKey())) {
                    putRoles(destination.getValue(), service, Sidecar.ROLES.of(run.fileName()), sidecar,
                            destination.getKey(), failed);
                }
            }
            if (toShared && holding.contains(BackupController.SHARED)) {
                try (Storage shared = ctx.sharedStorage()) {
                    putRoles(shared, service, Sidecar.ROLES.of(BackupController.sharedFile(run.form())), sidecar,
                            BackupController.SHARED, failed);
                }
            }
        } catch (IOException e) {
            failed.put("roles", "the roles of the run are not saved: " + e.getMessage());
        }
    }

    private static void putRoles(Storage storage, String service, String name, byte[] sidecar, String id,
            Map<String, String> failed) {
        try {
            OperationContext.put(storage, service, name, sidecar);
        } catch (IOException | RuntimeException e) {
            failed.put(id + " (roles)", "the roles of the run are not saved: " + e.getMessage());
        }
    }

    /**
     * Retention in the directories the run did not write to (databases gone from the
     * server, or excluded since), whose newest archive stays; then the roles sidecars of runs
     * of which no database directory holds an archive any more.
     */
    private void sweep(String service, Set<String> written, Map<String, List<String>> removed,
            Map<String, String> failed) {
        for (Map.Entry<String, Storage> destination : ctx.destinations().entrySet()) {
            String id = destination.getKey();
            Storage storage = destination.getValue();
            Map<String, String> unlisted = new LinkedHashMap<>();
            List<String> all = Catalog.directories(Map.ofEntries(destination), service, unlisted);
            if (!unlisted.isEmpty()) {
                failed.put(id + " (retention)", unlisted.get(id));
                continue;
            }
            Set<String> kept = new HashSet<>();
            try {
                for (String directory : all) {
                    if (!written.contains(directory)) {
                        Map<String, List<String>> gone = new LinkedHashMap<>();
                        retention.apply(service + "/" + directory, id, storage, gone, failed);
                        gone.getOrDefault(id, List.of()).forEach(n -> removed.computeIfAbsent(id,
                                k -> new ArrayList<>()).add(directory + "/" + n));
                    }
                    storage.list(service + "/" + directory).forEach(o -> kept.add(o.name()));
                }
                for (StoredObject object : storage.list(service)) {
                    Optional<String> archive = rolesOf(object.name());
                    if (archive.isPresent() && !kept.contains(archive.get())) {
                        storage.delete(service, object.name());
                        Logger.info("{}: retention removed {} from {}: no database holds its run any more", service,
                                object.name(), id);
                    }
                }
            } catch (IOException e) {
                failed.put(id + " (retention)", e.getMessage());
            }
        }
    }

    /** The archive a roles sidecar belongs to, if the name is one. */
    private static Optional<String> rolesOf(String name) {
        return BackupName.parse(name.replaceFirst("\\.roles\\.sql(\\.age)?$", ""))
                .filter(archive -> Sidecar.ROLES.of(archive.fileName()).equals(name)).map(BackupName::fileName);
    }
}
