package org.pgbackup.internal.operation;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.pgbackup.compression.ArchiveForm;
import org.pgbackup.config.Configuration;
import org.pgbackup.config.ServiceSettings;
import org.pgbackup.controller.BackupController;
import org.pgbackup.controller.Cancellation;
import org.pgbackup.controller.DumpOptions;
import org.pgbackup.controller.ProgressListener.Phase;
import org.pgbackup.controller.RestoreOptions;
import org.pgbackup.controller.RestoreResult;
import org.pgbackup.error.ConfigurationException;
import org.pgbackup.error.ArchiveNotFoundException;
import org.pgbackup.error.BackupException;
import org.pgbackup.error.RestoreFailedException;
import org.pgbackup.error.StorageException;
import org.pgbackup.internal.postgres.PgBinaries;
import org.pgbackup.internal.postgres.AdvisoryLock;
import org.pgbackup.internal.postgres.PgConnection;
import org.pgbackup.internal.postgres.PgRestore;
import org.pgbackup.internal.postgres.PgVersion;
import org.pgbackup.internal.process.ProcessResult;
import org.pgbackup.naming.BackupName;
import org.pgbackup.naming.Sidecar;
import org.pgbackup.spi.Storage;
import org.pgbackup.spi.StoredObject;
import org.tinylog.Logger;

/**
 * {@code restore} and {@code restore-from-shared}: the archive checked against its manifest
 * before the database is touched, then {@code pg_restore} in one transaction, or in parallel
 * jobs from a local copy when asked.
 */
public final class RestoreOperation {
    private static final Pattern MISSING_ROLE = Pattern.compile("role \"([^\"]+)\" does not exist");

    private final OperationContext ctx;
    private final Configuration config;
    private final PgBinaries binaries;
    private final WholeServerRestore wholeServer;

    public RestoreOperation(OperationContext ctx) {
        this.ctx = ctx;
        this.config = ctx.config();
        this.binaries = ctx.binaries();
        this.wholeServer = new WholeServerRestore(ctx, this);
    }

    public RestoreResult restore(String service, String fileName, RestoreOptions options, Cancellation cancellation) {
        ServiceSettings settings = config.service(service);
        if (settings.wholeServer()) {
            return wholeServer.restore(settings, fileName, options, cancellation);
        }
        BackupName name = BackupName.parseArgument(fileName);
        Progress progress = new Progress(options.listener(), service, cancellation, ctx.runner());
        progress.phase(Phase.WAITING_FOR_LOCK);
        try (ServiceLock lock = ctx.lock(service, "restore")) {
            return restoreLocked(RestoreTarget.of(settings), name, options, progress);
        } finally {
            progress.phase(Phase.FINISHED);
        }
    }

    /** Restores an archive from the first destination that holds it; the caller holds the service's lock. */
    RestoreResult restoreLocked(RestoreTarget target, BackupName name, RestoreOptions options, Progress progress) {
        String service = target.directory();
        Map<String, String> unreadable = new LinkedHashMap<>();
        Storage withoutManifest = null;
        for (Map.Entry<String, Storage> destination : sources(options).entrySet()) {
            List<StoredObject> objects = OperationContext.listingOrNote(destination, service, unreadable);
            if (objects.stream().noneMatch(o -> o.name().equals(name.fileName()))) {
                continue;
            }
            // A copy with its manifest first: one without may be incomplete.
            if (objects.stream().anyMatch(o -> o.name().equals(Sidecar.MANIFEST.of(name.fileName())))) {
                return restoreFrom(destination.getValue(), target, name.fileName(), options, progress);
            }
            if (withoutManifest == null) {
                withoutManifest = destination.getValue();
            }
        }
        if (withoutManifest != null) {
            return restoreFrom(withoutManifest, target, name.fileName(), options, progress);
        }
        if (!unreadable.isEmpty()) {
            throw new StorageException("Archive " + name + " of service '" + service + "' was not found, and "
                    + String.join(", ", unreadable.keySet()) + " could not be searched: " + unreadable.values()
                            .iterator().next());
        }
        throw new ArchiveNotFoundException("Service '" + service + "' has no archive " + name + " in "
                + String.join(", ", sources(options).keySet()) + ": "
                + config.source().operation("list", target.settings().name()) + " to see its archives");
    }

    /** Where a restore may read: every destination, local first, or the one {@code --from} names. */
    private Map<String, Storage> sources(RestoreOptions options) {
        if (options.source().isEmpty()) {
            return ctx.readOrder();
        }
        String from = options.source().get();
        Storage storage = ctx.destinations().get(from);
        if (storage == null) {
            throw new ConfigurationException("Unknown destination '" + from + "' to restore from: "
                    + config.source().either("--from", "RestoreOptions.from") + " takes one of BACKUP_TARGET: "
                    + String.join(", ", ctx.destinations().keySet()));
        }
        return Map.of(from, storage);
    }

    public RestoreResult restoreFromShared(String service, RestoreOptions options, Cancellation cancellation) {
        ServiceSettings settings = config.service(service);
        if (settings.wholeServer()) {
            return wholeServer.restoreFromShared(settings, options, cancellation);
        }
        Progress progress = new Progress(options.listener(), service, cancellation, ctx.runner());
        progress.phase(Phase.WAITING_FOR_LOCK);
        try (ServiceLock lock = ctx.lock(service, "restore");
                Storage shared = ctx.sharedStorage()) {
            String file = SharedCopy.newest(shared, service).orElseThrow(() -> new ArchiveNotFoundException(
                    "Service '" + service + "' has no shared copy: neither " + BackupController.SHARED_FILE + " nor "
                            + BackupController.sharedFile(ArchiveForm.ZSTD) + " exists in "
                            + config.sharedRoot().resolve(service) + ". Create it with "
                            + config.source().either("'dump " + service + " --shared'", "dump(\"" + service
                                    + "\", DumpOptions.defaults().toShared())") + " where the data lives"));
            return restoreFrom(shared, RestoreTarget.of(settings), file, options, progress);
        } catch (IOException e) {
            throw new StorageException("Closing the shared directory failed: " + e.getMessage(), e);
        } finally {
            progress.phase(Phase.FINISHED);
        }
    }

    RestoreResult restoreFrom(Storage storage, RestoreTarget target, String object, RestoreOptions options,
            Progress progress) {
        long started = System.nanoTime();
        ServiceSettings settings = target.settings();
        String service = target.directory();
        progress.phase(Phase.CHECKING);
        Verifier.CheckedArchive checked = ctx.verifier().checkBeforeRestore(storage, service, object,
                options.forced(), progress);
        ArchiveForm form = checked.form();
        progress.phase(Phase.CONNECTING);
        if (options.appliesRoles() && target.wholeServer()) {
            // Before the database is created: its owner may be one of them.
            new SavedRoles(config, binaries).apply(storage, target, object, progress);
        }
        boolean created = target.wholeServer() && WholeServerRestore.createIfMissing(settings, checked.owner());
        try {
            return restoreChecked(storage, target, object, checked, options, progress, started);
        } catch (BackupException e) {
            if (created) {
                WholeServerRestore.dropCreated(settings);
            }
            throw e;
        }
    }

    private RestoreResult restoreChecked(Storage storage, RestoreTarget target, String object,
            Verifier.CheckedArchive checked, RestoreOptions options, Progress progress, long started) {
        ServiceSettings settings = target.settings();
        PgConnection connection = new PgConnection(settings, progress.runner());
        PgVersion server = connection.serverVersion(binaries);
        if (!config.serverLock()) {
            return restoreClaimed(storage, target, object, checked, options, progress, started, connection, server);
        }
        // A dump of this database by another controller must not read it half restored.
        try (AdvisoryLock claim = AdvisoryLock.forRestore(settings, config.lockWait(), ctx.clock())) {
            return restoreClaimed(storage, target, object, checked, options, progress, started, connection, server);
        }
    }

    private RestoreResult restoreClaimed(Storage storage, RestoreTarget target, String object,
            Verifier.CheckedArchive checked, RestoreOptions options, Progress progress, long started,
            PgConnection connection, PgVersion server) {
        ServiceSettings settings = target.settings();
        String service = target.directory();
        ArchiveForm form = checked.form();
        Path program = binaries.clientFor("pg_restore", server);
        if (options.appliesRoles() && !target.wholeServer()) {
            new SavedRoles(config, binaries).apply(storage, target, object, progress);
        }
        Logger.info("{}: restoring {} from {} into database '{}' at {} (PostgreSQL {}){}{}", service, object,
                storage.describe(), settings.database(), settings.address(), server, options.parallel()
                        ? " with " + options.jobCount() + " parallel jobs, not in one transaction" : "",
                checked.tables().partial() ? "; the archive is partial (" + checked.tables().describe() + ")" : "");
        PgRestore pgRestore = new PgRestore(connection, program, config.operationTimeout());
        progress.phase(Phase.RESTORING);
        if (options.parallel()) {
            restoreInParallel(pgRestore, storage, target, object, form, options, progress);
            return result(target, object, storage, checked, options, started);
        }
        ProcessResult result;
        try {
            result = pgRestore.run(stdin -> {
                try (InputStream in = openUnwrapped(storage, service, object, form, progress)) {
                    in.transferTo(stdin);
                }
            }, options.keepsOwners());
        } catch (IOException e) {
            throw new RestoreFailedException("Reading " + object + " from " + storage.describe() + " failed during"
                    + " the restore of service '" + service + "'; the database is unchanged: " + e.getMessage(), e);
        }
        if (!result.succeeded()) {
            throw new RestoreFailedException("pg_restore failed for service '" + service + "' (database '"
                    + settings.database() + "' at " + settings.address() + "); the restore ran in one transaction, so"
                    + " the database is unchanged: " + result.failure() + missingRoleFix(result.stderr()));
        }
        Logger.info("{}: restored {} into database '{}'", service, object, settings.database());
        return result(target, object, storage, checked, options, started);
    }

    private static RestoreResult result(RestoreTarget target, String object, Storage storage,
            Verifier.CheckedArchive checked, RestoreOptions options, long started) {
        return new RestoreResult(target.settings().name(), object, storage.describe(), checked.size(),
                checked.sha256(), checked.hadManifest(), options.jobCount(),
                Duration.ofNanos(System.nanoTime() - started), checked.tables(), target.settings().database(),
                List.of());
    }

    /**
     * Unwraps the archive into a local file, which parallel {@code pg_restore} jobs need to
     * seek in, restores from it, and removes it. The file sits under the backup root, which
     * has room for archives, and is replaced by the next parallel restore if a kill left it.
     */
    private void restoreInParallel(PgRestore pgRestore, Storage storage, RestoreTarget target, String object,
            ArchiveForm form, RestoreOptions options, Progress progress) {
        ServiceSettings settings = target.settings();
        String service = settings.name();
        Path directory = config.stateDirectory(service).resolve("restore-tmp");
        Path local = directory.resolve(service + BackupName.EXTENSION);
        ProcessResult result;
        try {
            OperationContext.createDirectories(directory, OperationContext.DATA_DIRECTORIES);
            Files.deleteIfExists(local);
            Files.createFile(local, PosixFilePermissions.asFileAttribute(OperationContext.DATA_FILES));
            try (InputStream in = openUnwrapped(storage, target.directory(), object, form, progress);
                    OutputStream out = Files.newOutputStream(local)) {
                in.transferTo(out);
            }
        } catch (IOException e) {
            OperationContext.deleteQuietly(local);
            throw new RestoreFailedException("Copying " + object + " of service '" + service + "' to " + local
                    + " for a parallel restore failed, so the database was not touched: " + e.getMessage()
                    + ". Free space under " + directory + ", or restore without --jobs", e);
        }
        try {
            result = pgRestore.runParallel(local, options.jobCount(), options.keepsOwners());
        } catch (IOException e) {
            throw new RestoreFailedException("pg_restore could not run for service '" + service + "': "
                    + e.getMessage(), e);
        } finally {
            OperationContext.deleteQuietly(local);
        }
        if (!result.succeeded()) {
            throw new RestoreFailedException("Parallel pg_restore failed for service '" + service + "' (database '"
                    + settings.database() + "' at " + settings.address() + "); with --jobs each job commits on its"
                    + " own, so the database may be partly restored. Restore again, without --jobs to make it all or"
                    + " nothing: " + result.failure() + missingRoleFix(result.stderr()));
        }
        Logger.info("{}: restored {} into database '{}' with {} parallel jobs", service, object, settings.database(),
                options.jobCount());
    }

    /**
     * What to do when {@code pg_restore} failed on a role the target server lacks (an owner
     * or a grantee of the archive's objects); empty for any other failure.
     */
    static String missingRoleFix(String stderr) {
        Matcher missing = MISSING_ROLE.matcher(stderr);
        if (!missing.find()) {
            return "";
        }
        return ". The archive names role '" + missing.group(1) + "', which this server lacks: restore with"
                + " --with-roles (RestoreOptions.withRoles()) to create the roles saved beside the archive first,"
                + " or with --no-owner (RestoreOptions.withoutOwners()) to give every object to the service's user";
    }

    /** The custom-format archive inside a stored file, read in large blocks. */
    private InputStream openUnwrapped(Storage storage, String service, String object, ArchiveForm form,
            Progress progress) throws IOException {
        return config.encryption().open(form, new BufferedInputStream(progress.counting(storage.open(service,
                object)), OperationContext.TRANSFER_BUFFER), object + " of service '" + service + "'");
    }
}
