package org.pgbackup.internal.operation;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pgbackup.compression.ArchiveForm;
import org.pgbackup.compression.Compression;
import org.pgbackup.config.Configuration;
import org.pgbackup.config.ServiceSettings;
import org.pgbackup.controller.BackupController;
import org.pgbackup.controller.Cancellation;
import org.pgbackup.controller.DumpOptions;
import org.pgbackup.controller.DumpResult;
import org.pgbackup.controller.ProgressListener.Phase;
import org.pgbackup.controller.VerifyResult;
import org.pgbackup.encryption.Encryption;
import org.pgbackup.error.DumpFailedException;
import org.pgbackup.error.StorageException;
import org.pgbackup.internal.postgres.AdvisoryLock;
import org.pgbackup.internal.postgres.PgBinaries;
import org.pgbackup.internal.postgres.PgConnection;
import org.pgbackup.internal.postgres.PgDump;
import org.pgbackup.internal.postgres.PgVersion;
import org.pgbackup.internal.process.ProcessResult;
import org.pgbackup.internal.storage.FanOut;
import org.pgbackup.manifest.Manifest;
import org.pgbackup.naming.BackupName;
import org.pgbackup.naming.Sidecar;
import org.pgbackup.spi.PendingObject;
import org.pgbackup.spi.Storage;
import org.tinylog.Logger;

/**
 * {@code dump}: one {@code pg_dump} run streamed, compressed and digested to every
 * destination at once, then sidecars, the shared copy, verification and retention.
 */
public final class DumpOperation {
    private final OperationContext ctx;
    private final Configuration config;
    private final Clock clock;
    private final PgBinaries binaries;
    private final Map<String, Storage> destinations;
    private final RetentionSweep retention;
    private final UnmatchedPatterns unmatched = new UnmatchedPatterns();

    public DumpOperation(OperationContext ctx) {
        this.ctx = ctx;
        this.config = ctx.config();
        this.clock = ctx.clock();
        this.binaries = ctx.binaries();
        this.destinations = ctx.destinations();
        this.retention = new RetentionSweep(ctx);
    }

    public DumpResult dump(String service, DumpOptions options, Cancellation cancellation) {
        ServiceSettings settings = config.service(service);
        if (settings.wholeServer()) {
            return new WholeServerDump(ctx, this).dump(settings, options, cancellation);
        }
        Progress progress = new Progress(options.listener(), service, cancellation, ctx.runner());
        progress.phase(Phase.WAITING_FOR_LOCK);
        try (ServiceLock lock = ctx.lock(service, "dump")) {
            try {
                return RunHistory.recorded(ctx, service, () -> dump(DumpScope.of(settings), options.sharedCopy(),
                        progress));
            } catch (RuntimeException e) {
                keepNewestLocked(service);
                throw e;
            }
        } finally {
            progress.phase(Phase.FINISHED);
        }
    }

    /**
     * After a failed dump, on destinations with object locks: the newest archive stays the
     * newest, so its lock is moved on ({@link RetentionSweep#keepNewestLocked}). A failure is
     * logged; the dump's own failure is what the caller reports.
     */
    void keepNewestLocked(String directory) {
        destinations.forEach((id, storage) -> {
            try {
                retention.keepNewestLocked(directory, id, storage);
            } catch (IOException | RuntimeException e) {
                Logger.error("{}: cannot extend the lock of the newest archive in {}: {}", directory, id,
                        e.getMessage());
            }
        });
    }

    /**
     * Dumps one database into its directory once the controller admits it ({@link DumpAdmission});
     * the caller holds the service's lock.
     */
    DumpResult dump(DumpScope scope, boolean toShared, Progress progress) {
        return ctx.dumpAdmission().admit(scope.settings(), scope.directory(),
                () -> dumpLocked(scope, toShared, progress));
    }

    private DumpResult dumpLocked(DumpScope scope, boolean toShared, Progress progress) {
        ServiceSettings settings = scope.settings();
        String service = scope.directory();
        progress.phase(Phase.CONNECTING);
        PgConnection connection = new PgConnection(settings, progress.runner());
        PgVersion server = connection.serverVersion(binaries);
        if (!config.serverLock()) {
            return dumpClaimed(scope, toShared, progress, connection, server);
        }
        // Another controller with another volume may back up the same database: they meet on its server.
        try (AdvisoryLock claim = AdvisoryLock.forDump(settings, config.lockWait(), clock)) {
            return dumpClaimed(scope, toShared, progress, connection, server);
        }
    }

    private DumpResult dumpClaimed(DumpScope scope, boolean toShared, Progress progress, PgConnection connection,
            PgVersion server) {
        ServiceSettings settings = scope.settings();
        String service = scope.directory();
        Path program = binaries.dumpClientFor("pg_dump", server);
        PgVersion client = binaries.versionOf(program);
        destinations.forEach((id, storage) -> {
            try {
                storage.removeStale(service);
            } catch (IOException e) {
                Logger.warn("{}: cleaning up {} failed: {}", service, id, e.getMessage());
            }
        });
        // Beside the dump rather than before it: pg_dumpall is two more process starts.
        RolesRead roles = RolesRead.start(ctx, connection, server, scope.savesRoles());
        try {
            return dumpAndStore(scope, toShared, progress, connection, server, program, client, roles);
        } finally {
            // The thread ends with the dump that started it, whatever became of the dump.
            roles.await();
        }
    }

    private DumpResult dumpAndStore(DumpScope scope, boolean toShared, Progress progress, PgConnection connection,
            PgVersion server, Path program, PgVersion client, RolesRead roles) {
        ServiceSettings settings = scope.settings();
        String service = scope.directory();
        PgDump pgDump = new PgDump(connection, program, config.operationTimeout());
        unmatched.check(settings, pgDump);
        Encryption encryption = config.encryption();
        BackupName name = scope.name().orElseGet(() -> UnusedName.pick(clock, config.zone(), destinations,
                List.of(service), encryption.form(config.compression().form())));
        Instant started = clock.instant();
        Logger.info("{}: dumping database '{}' at {} (PostgreSQL {}) as {}{}", service, settings.database(),
                settings.address(), server, name, settings.tables().partial() ? ", partial: "
                        + settings.tables().describe() : "");

        Map<String, Storage> targets = new LinkedHashMap<>(destinations);
        Storage shared = toShared ? ctx.sharedStorage() : null;
        if (shared != null) {
            targets.put(BackupController.SHARED, shared);
        }
        Map<String, PendingObject> pending = new LinkedHashMap<>();
        Map<String, String> failed = new LinkedHashMap<>();
        targets.forEach((id, storage) -> open(pending, failed, id,
                () -> storage.create(service, SharedCopy.fileIn(id, name))));
        try (FanOut out = new FanOut(pending); shared; RowCounts counts = RowCounts.start(settings,
                config.drills().countRows())) {
            if (pending.isEmpty()) {
                throw new StorageException("No destination could store the archive of service '" + service + "': "
                        + failed);
            }
            Compression compression = config.compression();
            ArchiveDigest digest = new ArchiveDigest();
            byte[][] head = new byte[1][];
            ProcessResult result;
            progress.phase(Phase.DUMPING);
            try {
                result = pgDump.run(compression.pgDumpOption(), settings.tables(), counts.snapshot(), in -> {
                    // Closed twice when all goes well (the compressor closes it): a no-op.
                    try (OutputStream sealed = ArchiveStream.encrypted(encryption,
                            digest.writing(progress.counting(out)), service);
                            OutputStream sink = compression.compressing(sealed)) {
                        head[0] = ArchiveStream.transfer(in, sink);
                    }
                });
            } catch (IOException e) {
                throw new StorageException("The dump of service '" + service + "' could not be stored: "
                        + e.getMessage(), e);
            }
            if (!result.succeeded()) {
                throw new DumpFailedException("pg_dump failed for service '" + service + "' (database '"
                        + settings.database() + "' at " + settings.address() + ") and no archive was kept: "
                        + result.failure());
            }
            if (ArchiveForm.detect(head[0]).orElse(null) != ArchiveForm.CUSTOM) {
                throw new DumpFailedException("pg_dump for service '" + service + "' exited 0 but wrote "
                        + (head[0].length == 0 ? "nothing" : "no custom-format archive") + "; no archive was kept."
                        + " Check " + program + " (is it a real pg_dump?)");
            }
            // The last moment a cancellation can keep the archive out of every destination.
            progress.checkCancelled();
            List<String> stored = out.commit();
            failed.putAll(out.failures());
            if (stored.isEmpty()) {
                throw new StorageException("No destination could store the archive of service '" + service + "': "
                        + failed);
            }
            Manifest manifest = new Manifest(name.fileName(), digest.sha256(), digest.size(), settings.name(),
                    settings.database(), settings.address(), server.text(), client.text(), "custom",
                    compression.toString(), started, clock.instant(), encryption.toString(),
                    encryption.recipients(), settings.tables(), counts.result(), scope.owner());
            // Roles hold password hashes: encrypted whenever the archive is.
            Optional<String> rolesText = roles.await();
            byte[] rolesSidecar = rolesText.isPresent()
                    ? encryption.encrypt(rolesText.get().getBytes(StandardCharsets.UTF_8)) : null;
            List<String> complete = new ArrayList<>();
            for (String id : stored) {
                String archive = SharedCopy.fileIn(id, name);
                try {
                    if (rolesSidecar != null) {
                        OperationContext.put(targets.get(id), service, Sidecar.ROLES.of(archive), rolesSidecar);
                    }
                    // Last: a manifest says the archive beside it is complete.
                    OperationContext.put(targets.get(id), service, Sidecar.MANIFEST.of(archive), manifest.toJson());
                    complete.add(id);
                    if (BackupController.SHARED.equals(id)) {
                        SharedCopy.removeOtherForm(shared, service, name.form());
                    }
                } catch (IOException | RuntimeException e) {
                    failed.put(id, "the archive is stored but its sidecars are not, so it counts as incomplete: "
                            + e.getMessage());
                }
            }
            Duration took = Duration.between(started, clock.instant());
            // A named destination's failure speaks of its own variables (S3_OFFSITE_..., not S3_...).
            failed.replaceAll((id, why) -> config.targets().contains(id) ? config.target(id).inVariables(why) : why);
            failed.forEach((id, why) -> Logger.error("{}: destination {} failed: {}", service, id, why));
            Logger.info("{}: stored {} ({} bytes, sha256 {}) in {} in {} ms", service, name, digest.size(),
                    manifest.sha256(), String.join(", ", complete), took.toMillis());
            // Cancelled once the archive is stored: it stays, unverified, and the dump ends as done.
            if (config.verifyAfterDump() && !progress.cancelled()) {
                progress.phaseAfterCommit(Phase.VERIFYING);
                verifyAfterDump(service, name, complete, failed, progress);
            }
            progress.phaseAfterCommit(Phase.APPLYING_RETENTION);
            Map<String, List<String>> removed = new LinkedHashMap<>();
            for (String id : complete) {
                if (destinations.containsKey(id)) {
                    retention.apply(service, id, destinations.get(id), removed, failed);
                }
            }
            return new DumpResult(settings.name(), name, digest.size(), digest.sha256(), took, complete, failed,
                    removed, settings.database(), List.of());
        } catch (IOException e) {
            throw new StorageException("Closing the shared directory failed: " + e.getMessage(), e);
        }
    }

    private void verifyAfterDump(String service, BackupName name, List<String> complete, Map<String, String> failed,
            Progress progress) {
        for (String id : new ArrayList<>(complete)) {
            if (!destinations.containsKey(id)) {
                continue;
            }
            VerifyResult check = ctx.verifier().verify(id, destinations.get(id), service, name.fileName(),
                    progress);
            if (!check.ok()) {
                complete.remove(id);
                failed.put(id + " (verify)", check.problem());
            }
        }
    }

    private interface Opener {
        PendingObject open() throws IOException;
    }

    private static void open(Map<String, PendingObject> pending, Map<String, String> failures, String id,
            Opener opener) {
        try {
            pending.put(id, opener.open());
        } catch (IOException | RuntimeException e) {
            failures.put(id, e.getMessage());
        }
    }
}
