package org.pgbackup.controller;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.pgbackup.compression.ArchiveForm;
import org.pgbackup.config.Configuration;
import org.pgbackup.config.Mode;
import org.pgbackup.error.ArchiveNotFoundException;
import org.pgbackup.error.BackupException;
import org.pgbackup.error.CancelledException;
import org.pgbackup.error.ConfigurationException;
import org.pgbackup.error.DumpFailedException;
import org.pgbackup.error.RestoreFailedException;
import org.pgbackup.error.StorageException;
import org.pgbackup.hooks.Hook;
import org.pgbackup.hooks.Hooks;
import org.pgbackup.internal.operation.Catalog;
import org.pgbackup.internal.operation.DrillOperation;
import org.pgbackup.internal.operation.DumpOperation;
import org.pgbackup.internal.operation.HealthCheck;
import org.pgbackup.internal.operation.HookedOperation;
import org.pgbackup.internal.operation.OperationContext;
import org.pgbackup.internal.operation.RestoreOperation;
import org.pgbackup.internal.operation.RunHistory;
import org.pgbackup.internal.operation.LastDrill;
import org.pgbackup.internal.operation.RunningOperations;
import org.pgbackup.internal.operation.ServiceRuns;
import org.pgbackup.internal.operation.SyncOperation;
import org.pgbackup.internal.operation.VerifyOperation;
import org.pgbackup.internal.operation.WalReset;
import org.pgbackup.internal.process.ProcessRunner;
import org.pgbackup.naming.BackupName;
import org.pgbackup.spi.Storage;
import org.tinylog.Logger;

/**
 * The controller's operations: dump, list, restore, restore from the shared copy, and
 * reset WAL. The command line only parses and prints; embedders call this class the same
 * way.
 *
 * <p>Every operation names a service of {@code DATABASE_LIST}; an unknown one throws
 * {@link org.pgbackup.error.UnknownServiceException} before anything is touched. Failures
 * are {@link BackupException}s whose messages say what to do.
 *
 * <p>Thread-safe: one client serves any number of threads at once. Operations on different
 * services run side by side ({@code BACKUP_PARALLELISM} dumps at a time); operations on the
 * same service take turns through the service's lock, each waiting up to
 * {@code LOCK_WAIT_SECONDS} before it fails with {@link org.pgbackup.error.ServiceBusyException}.
 *
 * <p>Lifecycle: a dump or restore given a {@link Cancellation} in its options stops alone
 * when it is cancelled; {@link #cancel()} stops every operation running at the time, and the
 * client goes on serving; {@link #close()} stops them too and ends the client, after which
 * every method but {@link #configuration()} throws {@link IllegalStateException}. A cancelled
 * operation always ends with {@link CancelledException}.
 */
public final class BackupController implements AutoCloseable {
    /**
     * The file name of a service's copy in the shared directory when it is a plain custom
     * archive; a zstd-wrapped copy is {@code file.dump.zst} (see {@link #sharedFile}).
     */
    public static final String SHARED_FILE = "file" + BackupName.EXTENSION;
    /** The name under which {@link DumpResult#storedIn()} lists the shared directory. */
    public static final String SHARED = "shared";

    private static final String RESTORE_LEFT = "a restore in one transaction leaves the database as it was";

    private final OperationContext ctx;
    private final Catalog catalog;
    private final DumpOperation dumps;
    private final RestoreOperation restores;
    private final VerifyOperation verification;
    private final HealthCheck healthCheck;
    private final WalReset walReset;
    private final DrillOperation drills;
    private final SyncOperation syncs;
    private final HookedOperation hooked;
    private final RunningOperations running = new RunningOperations();
    private final PointInTimeRecovery pitr;

    private BackupController(Configuration config, Clock clock, ProcessRunner runner) {
        this.ctx = new OperationContext(config, clock, runner);
        this.catalog = new Catalog(ctx);
        this.dumps = new DumpOperation(ctx);
        this.restores = new RestoreOperation(ctx);
        this.verification = new VerifyOperation(ctx, catalog);
        this.healthCheck = new HealthCheck(ctx, catalog);
        this.walReset = new WalReset(ctx);
        this.drills = new DrillOperation(ctx, catalog);
        this.syncs = new SyncOperation(ctx, catalog);
        this.hooked = new HookedOperation(new Hooks(config.hooks(), runner));
        this.pitr = new PointInTimeRecovery(ctx, running);
    }

    /**
     * Opens a controller on the system clock. With {@code SERVER=production} it creates the
     * shared directories first.
     */
    public static BackupController open(Configuration config) {
        return open(config, Clock.systemUTC());
    }

    /** Opens a controller on the given clock, which decides archive names and kinds. */
    public static BackupController open(Configuration config, Clock clock) {
        BackupController controller = new BackupController(config, clock, new ProcessRunner());
        if (config.server() == Mode.PRODUCTION) {
            controller.ctx.createSharedDirectories();
        }
        return controller;
    }

    /** The configuration this controller runs on. */
    public Configuration configuration() {
        return ctx.config();
    }

    /**
     * Checks what only the destinations themselves can tell, before anything is stored:
     * that each destination configured for object locks ({@code S3_OBJECT_LOCK}) enforces
     * them. {@code start} and {@code dump} call it first.
     *
     * @throws ConfigurationException naming each destination that cannot keep its promise, and the fix
     */
    public void checkDestinations() {
        List<String> problems = new ArrayList<>();
        ctx.destinations().forEach((id, storage) -> storage.objectLocks().ifPresent(locks -> {
            try {
                locks.check();
            } catch (IOException e) {
                problems.add("Destination " + id + ": " + ctx.config().target(id).inVariables(e.getMessage()));
            }
        }));
        if (!problems.isEmpty()) {
            throw new ConfigurationException(problems);
        }
    }

    /**
     * Dumps one service to every destination of {@code BACKUP_TARGET} at once, from one
     * {@code pg_dump} run, and to the shared directory when asked. An archive becomes
     * visible in a destination only once {@code pg_dump} succeeded and every byte arrived.
     * The {@code pre-backup} hook runs first, then {@code post-backup} or {@code on-failure}
     * ({@link org.pgbackup.config.HookSettings}).
     *
     * @param service a service of {@code DATABASE_LIST}
     * @param options the shared copy and a progress listener
     * @return the archive: name, size, SHA-256, the destinations that hold it and those that
     *     failed; {@link DumpResult#complete()} is false if a destination failed while others
     *     stored it
     * @throws DumpFailedException if {@code pg_dump} failed; no destination keeps anything
     * @throws StorageException if no destination could store the archive
     * @throws org.pgbackup.error.HookFailedException if the {@code pre-backup} hook failed;
     *     nothing was dumped
     */
    public DumpResult dump(String service, DumpOptions options) {
        return running.run(service, "dump", options.cancellation(), "no partial archive is kept", op -> {
            DumpResult dumped = hooked.run(ctx.config().service(service), "backup", Hook.PRE_BACKUP,
                    Hook.POST_BACKUP, () -> dumps.dump(service, options, op), HookedOperation::dumped);
            if (dumped.complete()) {
                syncs.afterDump(service, op);
            }
            return dumped;
        });
    }

    /** Dumps one service with {@link DumpOptions#defaults()}. */
    public DumpResult dump(String service) {
        return dump(service, DumpOptions.defaults());
    }

    /**
     * Dumps every service, {@code BACKUP_PARALLELISM} at a time, going on after a service
     * fails.
     *
     * @return the outcomes in the order of {@code DATABASE_LIST}
     */
    public List<ServiceOutcome<DumpResult>> dumpAll(DumpOptions options) {
        running.ensureOpen();
        return forEachService(ctx.config().parallelism(), service -> dump(service, options));
    }

    /** The file name of a service's shared copy in a form: {@code file.dump} or {@code file.dump.zst}. */
    public static String sharedFile(ArchiveForm form) {
        return "file" + form.extension();
    }

    /**
     * Reads archives of a service in full, in every destination that holds them: checksum
     * and size against the manifest, and {@code pg_restore} reading every block to nowhere.
     *
     * @param fileName one archive, or null for every archive
     * @return one result per archive and destination
     * @throws ArchiveNotFoundException if the named archive is in no destination
     */
    public List<VerifyResult> verify(String service, String fileName) {
        return verify(service, fileName, ProgressListener.NONE);
    }

    /** {@link #verify(String, String)}, reporting each archive read to a listener. */
    public List<VerifyResult> verify(String service, String fileName, ProgressListener listener) {
        return running.run(service, "verification", Optional.empty(), "nothing was changed",
                op -> verification.verify(service, fileName, listener, op));
    }

    /**
     * A restore drill: restores the service's newest complete archive into a scratch
     * database {@code <db>_drill_<UTC yyyyMMddHHmmss>} on the drill server (the service's
     * own unless {@code <PREFIX>_DRILL_HOST} and the like name another), checks that every
     * table is there with the rows counted at dump time and that {@code <PREFIX>_DRILL_SQL}
     * returns true, and drops the scratch database whatever happens, as well as any an
     * earlier drill left behind. The service's lock is held only while the archive is read.
     * A whole-server service drills each database's newest archive in turn
     * ({@link DrillResult#databases()}), those gone from the server left out.
     *
     * @throws DrillFailedException if the restore or a check failed, or the drill server
     *     refused the scratch database (its role needs {@code CREATEDB})
     * @throws ArchiveCorruptException if the newest archive does not match its manifest
     * @throws ArchiveNotFoundException if the service has no complete archive
     */
    public DrillResult drill(String service) {
        return running.run(service, "drill", Optional.empty(), "its scratch database is dropped",
                op -> drills.drill(service));
    }

    /**
     * Drills every service, one at a time to spare the drill servers, going on after one fails.
     *
     * @return the outcomes in the order of {@code DATABASE_LIST}
     */
    public List<ServiceOutcome<DrillResult>> drillAll() {
        running.ensureOpen();
        return forEachService(1, this::drill);
    }

    /**
     * Catch-up: every complete archive of a service that one destination of
     * {@code BACKUP_TARGET} holds and another lacks, and that retention still keeps, is
     * copied there with its roles file and manifest, streamed, its SHA-256 checked against
     * the manifest before the copy is committed. An archive whose bytes do not match its
     * manifest in any destination is refused and reported, never copied. Every dump that all
     * destinations stored runs this too. Takes the service's lock.
     *
     * @param dryRun only list what would be copied
     * @return what was copied (or would be), refused and failed
     * @throws StorageException if no destination could be listed
     */
    public SyncResult sync(String service, boolean dryRun) {
        return running.run(service, "sync", Optional.empty(), "every archive copied so far is whole and the one"
                + " being copied was not kept", op -> syncs.sync(service, dryRun, op));
    }

    /**
     * {@link #sync} for every service, one at a time, going on after one fails.
     *
     * @return the outcomes in the order of {@code DATABASE_LIST}
     */
    public List<ServiceOutcome<SyncResult>> syncAll(boolean dryRun) {
        running.ensureOpen();
        return forEachService(1, service -> sync(service, dryRun));
    }

    /**
     * Whether backups are fresh: every service has a complete archive younger than the
     * limit ({@code HEALTH_MAX_AGE}, or in production the schedule's longest gap plus an
     * hour). Outside production with no limit set there is no schedule to be fresh against,
     * so it checks that each server answers. With {@code DRILL_MAX_AGE}, a service whose
     * last good drill is older, or that never had one, is unhealthy too.
     */
    public List<ServiceHealth> health() {
        running.ensureOpen();
        return healthCheck.health();
    }

    /**
     * The archives of a service in every destination, newest first, each with the
     * destinations that hold it and the time after which retention removes it. Files that
     * are not archive names are left out. A destination that cannot be listed is reported
     * in the listing rather than hiding the others.
     *
     * @throws StorageException if no destination could be listed
     */
    public ArchiveListing list(String service) {
        running.ensureOpen();
        return catalog.list(service);
    }

    /**
     * How many archives of a service each destination holds: one listing per destination,
     * without reading manifests, so it is cheap enough to run after every scheduled dump.
     */
    public Map<String, Integer> countArchives(String service) {
        running.ensureOpen();
        return catalog.countArchives(service);
    }

    /**
     * A service's run history, newest first: its last dumps (up to 500), how each ended, its
     * archive, size and destinations, or its error line. Kept on the service's volume
     * ({@code <BACKUP_ROOT>/data/<service>/.pgbackup/runs.json}), so a restarted controller
     * and another one on the same volume read the same; a dump that never got the service's
     * lock is not a run.
     */
    public List<RunRecord> runs(String service) {
        return runLog(service).runs();
    }

    /**
     * A service's run history as {@link #runs} gives it, with the number of records that could
     * not be read: a history cut short gives the runs before the cut and says so, and the next
     * run writes a whole history again.
     */
    public RunLog runLog(String service) {
        running.ensureOpen();
        ctx.config().service(service);
        return RunHistory.read(ctx.config().stateDirectory(service), service);
    }

    /**
     * When the service's last restore drill passed, as its volume records it (the same record
     * {@code health} reads for {@code DRILL_MAX_AGE}); empty when none has.
     */
    public Optional<Instant> lastDrill(String service) {
        running.ensureOpen();
        ctx.config().service(service);
        return LastDrill.read(DrillOperation.directory(ctx.config(), service));
    }

    /**
     * How many archives of a service each destination lacks of those another holds: what
     * {@link #sync} would copy, before retention and manifests are looked at. One listing per
     * destination; a destination that cannot be listed is left out.
     */
    public Map<String, Integer> missingArchives(String service) {
        running.ensureOpen();
        return catalog.missingArchives(service);
    }

    /**
     * Restores an archive of a service into its database, replacing the database's objects
     * in one transaction. The archive is read from the first destination that holds it, the
     * local volume first. The {@code pre-restore} hook runs first, then {@code post-restore}
     * or {@code on-failure}.
     *
     * @param fileName an archive name as {@link #list} shows it
     * @param options owners, manifest and roles handling, jobs and a progress listener
     * @return what was restored, from where, its checksum and how long it took
     * @throws org.pgbackup.error.ArchiveCorruptException if the archive does not match its
     *     manifest, or has none and {@code force} is false; the database was not touched
     * @throws org.pgbackup.error.InvalidArchiveNameException if the name is a path or not an
     *     archive name; nothing was touched
     * @throws ArchiveNotFoundException if no destination holds an archive of that name
     * @throws RestoreFailedException if {@code pg_restore} failed; the database is unchanged
     * @throws org.pgbackup.error.HookFailedException if the {@code pre-restore} hook failed;
     *     the database was not touched
     */
    public RestoreResult restore(String service, String fileName, RestoreOptions options) {
        return running.run(service, "restore", options.cancellation(), RESTORE_LEFT,
                op -> hooked.run(ctx.config().service(service), "restore", Hook.PRE_RESTORE, Hook.POST_RESTORE,
                        () -> restores.restore(service, fileName, options, op), HookedOperation::restored));
    }

    /**
     * Restores {@code shared/<service>/file.dump} or {@code file.dump.zst} into the service's
     * database, whatever {@code BACKUP_TARGET} says: the shared directory is a mount of its
     * own. Should both exist (a dump that stopped between writing one and removing the
     * other), the newer one is restored.
     *
     * @return what was restored: {@link RestoreResult#archive()} names the file
     * @throws ArchiveNotFoundException if there is no shared copy
     */
    public RestoreResult restoreFromShared(String service, RestoreOptions options) {
        return running.run(service, "restore", options.cancellation(), RESTORE_LEFT,
                op -> hooked.run(ctx.config().service(service), "restore", Hook.PRE_RESTORE, Hook.POST_RESTORE,
                        () -> restores.restoreFromShared(service, options, op), HookedOperation::restored));
    }

    /**
     * Point-in-time recovery of the services that have it ({@code <PREFIX>_PITR=true}): WAL
     * streaming, base backups, windows and restores. Its streams end when this client closes.
     */
    public PointInTimeRecovery pointInTimeRecovery() {
        return pitr;
    }

    /** Restores every service from its shared copy, going on after a service fails. */
    public List<ServiceOutcome<RestoreResult>> restoreAllFromShared(RestoreOptions options) {
        running.ensureOpen();
        return forEachService(1, service -> restoreFromShared(service, options));
    }

    /**
     * Resets the write-ahead log of a service's stopped server, the guarded way: it refuses
     * while the server runs; shows the dry run and needs a confirmation; copies
     * {@code global/pg_control}, {@code pg_wal}, {@code pg_xact} and {@code pg_multixact}
     * aside first; then runs the {@code pg_resetwal} of the data directory's own major
     * version as the directory's owner.
     *
     * @param options who confirms, and whether to force past a stale {@code postmaster.pid}
     * @throws org.pgbackup.error.ServerRunningException if the server runs
     * @throws org.pgbackup.error.ConfirmationRequiredException if not confirmed; nothing changed
     */
    public ResetWalResult resetWal(String service, ResetWalOptions options) {
        running.ensureOpen();
        return walReset.resetWal(service, options);
    }

    private <T> List<ServiceOutcome<T>> forEachService(int parallelism, Function<String, T> operation) {
        return ServiceRuns.each(ctx.config().serviceNames(), parallelism, service -> {
            try {
                return ServiceOutcome.success(service, operation.apply(service));
            } catch (BackupException e) {
                Logger.error("{}: {}", service, e.getMessage());
                return ServiceOutcome.failure(service, e);
            }
        });
    }

    /**
     * Cancels every operation of this client running now, from any thread: each stops its
     * PostgreSQL programs and ends with {@link CancelledException}, leaving what a failure
     * leaves (a dump no archive, a restore the database as it was). Operations started
     * afterwards run as usual; to cancel one operation alone, give it a {@link Cancellation}.
     * Other clients in the same JVM are not touched.
     */
    public void cancel() {
        running.cancelAll();
        // Programs of no operation's own, such as a hook's or a drill's.
        ctx.runner().stopRunning();
    }

    /**
     * Cancels every running operation, as {@link #cancel()} does, waits for them to end (up
     * to {@code STOP_GRACE_SECONDS}), and closes the destinations. Afterwards every method but
     * {@link #configuration()} throws {@link IllegalStateException}. Closing twice does
     * nothing more.
     */
    @Override
    public void close() {
        if (!running.close()) {
            return;
        }
        pitr.close();
        ctx.runner().stopAll();
        running.awaitNone(ctx.config().stopGrace());
        for (Map.Entry<String, Storage> destination : ctx.destinations().entrySet()) {
            try {
                destination.getValue().close();
            } catch (IOException e) {
                Logger.warn("Closing destination {} failed: {}", destination.getKey(), e.getMessage());
            }
        }
    }
}
