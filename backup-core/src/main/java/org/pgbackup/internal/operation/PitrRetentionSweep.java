package org.pgbackup.internal.operation;

import java.io.IOException;
import java.util.Map;
import org.pgbackup.internal.wal.BaseBackup;
import org.pgbackup.internal.wal.BaseBackupManifest;
import org.pgbackup.internal.wal.PitrRetention;
import org.pgbackup.internal.wal.WalArchive;
import org.pgbackup.spi.Storage;
import org.tinylog.Logger;

/**
 * Point-in-time recovery's retention in every destination, each decided from what that
 * destination holds ({@link PitrRetention}): base backups older than the window once a newer
 * one covers it, then the WAL no kept base backup reads. A destination that fails is logged
 * and keeps what it had; the next sweep tries again.
 */
final class PitrRetentionSweep {
    private final OperationContext ctx;

    /** What a sweep deleted, across destinations. */
    record Deleted(int baseBackups, int walFiles) {
    }

    PitrRetentionSweep(OperationContext ctx) {
        this.ctx = ctx;
    }

    Deleted apply(String service) {
        WalArchive archive = new WalArchive(ctx.destinations(), ctx.config().encryption());
        int bases = 0;
        int wal = 0;
        for (Map.Entry<String, Storage> destination : ctx.destinations().entrySet()) {
            String id = destination.getKey();
            try {
                PitrRetention decided = PitrRetention.decide(BaseBackup.list(destination.getValue(), service),
                        archive.archived(service, id), ctx.clock().instant(), ctx.config().pitr().window());
                for (BaseBackupManifest base : decided.bases()) {
                    BaseBackup.delete(destination.getValue(), service, base);
                    bases++;
                    Logger.info("{}: retention deleted base backup {} from {}", service, base.name(), id);
                }
                for (String name : decided.wal()) {
                    archive.delete(service, id, name);
                    wal++;
                }
                if (!decided.wal().isEmpty()) {
                    Logger.info("{}: retention deleted {} WAL file(s) from {}, up to {}", service,
                            decided.wal().size(), id, decided.wal().get(decided.wal().size() - 1));
                }
            } catch (IOException e) {
                Logger.error("{}: point-in-time recovery retention failed in {}: {}; it keeps what it had and is"
                        + " tried again after the next base backup", service, id, e.getMessage());
            }
        }
        return new Deleted(bases, wal);
    }
}
