package org.pgbackup.internal.operation;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.pgbackup.config.Configuration;
import org.pgbackup.controller.Cancellation;
import org.pgbackup.controller.ProgressListener;
import org.pgbackup.controller.ProgressListener.Phase;
import org.pgbackup.error.BaseBackupFailedException;
import org.pgbackup.error.StorageException;
import org.pgbackup.error.StreamingNotReadyException;
import org.pgbackup.internal.wal.BaseBackup;
import org.pgbackup.internal.wal.BaseBackupManifest;
import org.pgbackup.internal.wal.ReplicationSlot;
import org.pgbackup.internal.wal.SlotName;
import org.pgbackup.internal.wal.StreamingReadiness;
import org.pgbackup.pitr.BaseBackupInfo;
import org.pgbackup.pitr.BaseBackupResult;
import org.tinylog.Logger;

/**
 * {@code basebackup}: a base backup of a point-in-time recovery service, under the service's
 * lock as a dump takes it, stored in every destination, then retention. The server is checked
 * first, as streaming checks it, and the service's slot is made if missing, so that the WAL
 * from the backup's start on stays on the server until it is streamed.
 */
public final class BaseBackupOperation {
    private final OperationContext ctx;
    private final PitrRetentionSweep retention;

    public BaseBackupOperation(OperationContext ctx) {
        this.ctx = ctx;
        this.retention = new PitrRetentionSweep(ctx);
    }

    /**
     * A base backup, told to a listener: {@link Phase#WAITING_FOR_LOCK}, {@link Phase#CONNECTING},
     * {@link Phase#BASE_BACKUP} with the tar's bytes, {@link Phase#APPLYING_RETENTION} and
     * {@link Phase#FINISHED}. A cancellation stops {@code pg_basebackup}; nothing is kept then.
     */
    public BaseBackupResult take(String service, ProgressListener listener, Cancellation cancellation) {
        Progress progress = new Progress(listener, service, cancellation, ctx.runner());
        progress.phase(Phase.WAITING_FOR_LOCK);
        try {
            return taken(service, progress);
        } finally {
            progress.phase(Phase.FINISHED);
        }
    }

    private BaseBackupResult taken(String service, Progress progress) {
        Configuration config = ctx.config();
        try (ServiceLock lock = ctx.lock(service, "basebackup")) {
            progress.phase(Phase.CONNECTING);
            ReplicationServer server = ReplicationServer.of(ctx, service, progress.runner());
            String slot = SlotName.of(service);
            try {
                // With the slot there, pg_basebackup's own replication connection is the test of pg_hba.conf: the
                // whole check runs only if it fails, to say why. Without it, everything is checked before the slot
                // is made, so that a server that cannot stream is left untouched.
                StreamingReadiness readiness = StreamingReadiness.checkSettings(server.connection(), server.psql(),
                        slot);
                if (!readiness.slotExists()) {
                    readiness = StreamingReadiness.check(server.connection(), server.psql(), slot);
                }
                requireReady(server, readiness);
                if (!readiness.slotExists() && ReplicationSlot.ensure(server.connection(), server.psql(), slot)) {
                    Logger.warn("{}: created replication slot '{}': the server keeps its WAL from now until the"
                            + " controller's start streams it", service, slot);
                }
            } catch (IOException e) {
                throw new BaseBackupFailedException("A base backup of service '" + service + "' could not start: "
                        + e.getMessage(), e);
            }
            progress.phase(Phase.BASE_BACKUP);
            BaseBackup.removeStale(ctx.destinations(), service);
            Map<String, String> failed = new LinkedHashMap<>();
            BaseBackup.Taken taken;
            try {
                taken = BaseBackup.take(server.connection(), server.program(ctx, "pg_basebackup"), service,
                        ctx.destinations(), config.encryption(), ctx.clock(), failed, progress::counting);
            } catch (IOException e) {
                progress.checkCancelled();
                try {
                    requireReady(server, StreamingReadiness.check(server.connection(), server.psql(), slot));
                } catch (IOException unasked) {
                    e.addSuppressed(unasked);
                }
                throw new BaseBackupFailedException(e.getMessage(), e);
            }
            if (!failed.isEmpty()) {
                failed.forEach((id, why) -> Logger.error("{}: base backup {} was not stored in {}: {}", service,
                        taken.manifest().name(), id, why));
                if (taken.destinations().isEmpty()) {
                    throw new StorageException("Base backup " + taken.manifest().name() + " of service '" + service
                            + "' was stored in no destination: " + failed);
                }
            }
            BaseBackupManifest manifest = taken.manifest();
            Logger.info("{}: base backup {} stored in {} ({} bytes, WAL {} to {}, timeline {})", service,
                    manifest.name(), String.join(", ", taken.destinations()), manifest.size(), manifest.start(),
                    manifest.end(), manifest.timeline());
            progress.phaseAfterCommit(Phase.APPLYING_RETENTION);
            PitrRetentionSweep.Deleted deleted = retention.apply(service);
            if (!failed.isEmpty()) {
                throw new StorageException("Base backup " + manifest.name() + " of service '" + service + "' was"
                        + " stored in " + String.join(", ", taken.destinations()) + " but not in " + String.join(", ",
                                failed.keySet()) + ": " + String.join("; ", failed.values()));
            }
            return new BaseBackupResult(service, info(manifest), taken.destinations(), deleted.baseBackups(),
                    deleted.walFiles());
        }
    }

    private static void requireReady(ReplicationServer server, StreamingReadiness readiness) {
        if (!readiness.ready()) {
            throw new StreamingNotReadyException(readiness.message(server.connection().service())
                    .replace("cannot stream its WAL", "cannot take a base backup"));
        }
    }

    static BaseBackupInfo info(BaseBackupManifest manifest) {
        return new BaseBackupInfo(manifest.name(), manifest.start().toString(), manifest.end().toString(),
                manifest.timeline(), manifest.started(), manifest.ended(), manifest.size());
    }
}
