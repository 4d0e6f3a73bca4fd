package org.pgbackup.controller;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.pgbackup.error.BackupException;
import org.pgbackup.internal.operation.BaseBackupOperation;
import org.pgbackup.internal.operation.OperationContext;
import org.pgbackup.internal.operation.PitrRestoreOperation;
import org.pgbackup.internal.operation.PitrWindowRead;
import org.pgbackup.internal.operation.RunningOperations;
import org.pgbackup.internal.operation.ServiceRuns;
import org.pgbackup.internal.operation.WalStreaming;
import org.pgbackup.pitr.BaseBackupResult;
import org.pgbackup.pitr.PitrRestoreOptions;
import org.pgbackup.pitr.PitrRestoreResult;
import org.pgbackup.pitr.PitrWindow;
import org.pgbackup.pitr.WalStream;
import org.tinylog.Logger;

/**
 * Point-in-time recovery of the services with {@code <PREFIX>_PITR=true}: their WAL streamed
 * into every destination, base backups, the restorable window, and restores to a moment in it.
 * Obtained from {@link BackupController#pointInTimeRecovery()}, and ends with that client:
 * closing it stops every stream this made.
 *
 * <p>Thread-safe, as its client is. What the server needs: {@code wal_level} of
 * {@code replica} or higher, a free WAL sender and replication slot, a role with
 * {@code REPLICATION} and a {@code pg_hba.conf} line for its replication connections; each
 * missing one is named, with its fix, in one {@link org.pgbackup.error.StreamingNotReadyException}.
 * The service's permanent replication slot keeps WAL on the server while nothing streams it:
 * bound it with the server's {@code max_slot_wal_keep_size}.
 */
public final class PointInTimeRecovery {
    private final OperationContext ctx;
    private final RunningOperations running;
    private final BaseBackupOperation bases;
    private final PitrRestoreOperation restores;
    private final PitrWindowRead windows;
    private final Set<WalStream> streams = ConcurrentHashMap.newKeySet();

    PointInTimeRecovery(OperationContext ctx, RunningOperations running) {
        this.ctx = ctx;
        this.running = running;
        this.bases = new BaseBackupOperation(ctx);
        this.restores = new PitrRestoreOperation(ctx);
        this.windows = new PitrWindowRead(ctx);
    }

    /**
     * Takes a base backup of a service and stores it in every destination, under the service's
     * lock as a dump takes it, then applies retention ({@code PITR_RETENTION_DAYS}). The
     * service's slot is made first if missing, so that the WAL the backup needs stays on the
     * server until it is streamed.
     *
     * @throws org.pgbackup.error.ConfigurationException if the service does not have
     *     point-in-time recovery
     * @throws org.pgbackup.error.StreamingNotReadyException naming what the server lacks
     * @throws org.pgbackup.error.BaseBackupFailedException if {@code pg_basebackup} failed;
     *     no destination keeps anything
     * @throws org.pgbackup.error.StorageException if a destination did not store it
     */
    public BaseBackupResult baseBackup(String service) {
        return baseBackup(service, ProgressListener.NONE);
    }

    /**
     * The same, told to a listener: {@link ProgressListener.Phase#WAITING_FOR_LOCK},
     * {@link ProgressListener.Phase#CONNECTING} (the server's readiness and slot),
     * {@link ProgressListener.Phase#BASE_BACKUP} with the bytes of the tar the server sends,
     * {@link ProgressListener.Phase#APPLYING_RETENTION} and {@link ProgressListener.Phase#FINISHED}.
     * {@link BackupController#cancel()} stops it, and no destination keeps anything.
     */
    public BaseBackupResult baseBackup(String service, ProgressListener listener) {
        requireNonNull(listener, "listener is null");
        return running.run(service, "base backup", Optional.empty(), "no destination keeps any of it",
                op -> bases.take(service, listener, op));
    }

    /** A base backup of every service with point-in-time recovery, going on after one fails. */
    public List<ServiceOutcome<BaseBackupResult>> baseBackupAll() {
        running.ensureOpen();
        return ServiceRuns.each(ctx.config().pitrServices(), 1, service -> {
            try {
                return ServiceOutcome.success(service, baseBackup(service));
            } catch (BackupException e) {
                Logger.error("{}: {}", service, e.getMessage());
                return ServiceOutcome.failure(service, e);
            }
        });
    }

    /**
     * Restores a service's server as it was at a moment into a directory, from the first
     * destination (the local one first) whose archive reaches it: the base backup that ended
     * last before the target, the WAL from its start on, each file checked against its
     * checksum, and the recovery settings. PostgreSQL started on the directory recovers to the
     * target and promotes, with no controller beside it. A target outside the window or a gap
     * in the WAL is refused before anything is written; a failure while writing leaves the
     * directory as it was.
     *
     * @throws org.pgbackup.error.ArchiveNotFoundException if no base backup ended before the
     *     target, or the target is after the last archived WAL; the message names the window
     * @throws org.pgbackup.error.ArchiveCorruptException naming the first missing or damaged
     *     WAL file
     * @throws org.pgbackup.error.ServerRunningException if a server uses the directory
     * @throws org.pgbackup.error.ConfirmationRequiredException if the directory is not empty
     *     and {@link PitrRestoreOptions#replace()} is false
     */
    public PitrRestoreResult restore(String service, PitrRestoreOptions options) {
        return restore(service, options, ProgressListener.NONE);
    }

    /**
     * The same, told to a listener: {@link ProgressListener.Phase#WAITING_FOR_LOCK},
     * {@link ProgressListener.Phase#RESTORING} with the stored bytes of every file fetched (the
     * WAL first, then the base backup), {@link ProgressListener.Phase#RECOVERING} while a server
     * started on the directory recovers ({@link PitrRestoreOptions#start()}), and
     * {@link ProgressListener.Phase#FINISHED}. {@link BackupController#cancel()} stops it
     * between files, and the directory is left as it was.
     */
    public PitrRestoreResult restore(String service, PitrRestoreOptions options, ProgressListener listener) {
        requireNonNull(options, "options is null");
        requireNonNull(listener, "listener is null");
        return running.run(service, "point-in-time restore", Optional.empty(), "the directory is left as it was",
                op -> restores.restore(service, options, listener, op));
    }

    /** A service's restorable window in each destination, the local one first, with its base backups. */
    public List<PitrWindow> windows(String service) {
        running.ensureOpen();
        return windows.windows(service);
    }

    /**
     * Starts streaming a service's WAL into every destination, after checking that its server
     * can: until the stream is closed, or this client is.
     *
     * @throws org.pgbackup.error.StreamingNotReadyException naming what the server lacks;
     *     nothing was changed on it
     */
    public WalStream stream(String service) {
        running.ensureOpen();
        WalStream owned = WalStreaming.start(ctx, service, streams::remove);
        streams.add(owned);
        return owned;
    }

    /** Stops every stream this made: the client is closing. */
    void close() {
        streams.forEach(WalStream::close);
    }
}
