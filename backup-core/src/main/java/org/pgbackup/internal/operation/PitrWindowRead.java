package org.pgbackup.internal.operation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pgbackup.config.Configuration;
import org.pgbackup.error.ArchiveCorruptException;
import org.pgbackup.error.ArchiveNotFoundException;
import org.pgbackup.error.StorageException;
import org.pgbackup.internal.wal.BaseBackup;
import org.pgbackup.internal.wal.BaseBackupManifest;
import org.pgbackup.internal.wal.PitrRestore;
import org.pgbackup.internal.wal.WalArchive;
import org.pgbackup.pitr.PitrWindow;
import org.pgbackup.spi.Storage;

/**
 * {@code list --pitr}: each destination's restorable window of a service, as a restore to the
 * latest time would plan it there, and its base backups.
 */
public final class PitrWindowRead {
    private final OperationContext ctx;

    public PitrWindowRead(OperationContext ctx) {
        this.ctx = ctx;
    }

    /** One window per destination, the local one first. */
    public List<PitrWindow> windows(String service) {
        Configuration config = ctx.config();
        config.service(service);
        WalArchive archive = new WalArchive(ctx.destinations(), config.encryption());
        List<PitrWindow> windows = new ArrayList<>();
        for (Map.Entry<String, Storage> destination : ctx.readOrder().entrySet()) {
            String id = destination.getKey();
            try {
                List<BaseBackupManifest> bases = BaseBackup.list(destination.getValue(), service);
                if (bases.isEmpty()) {
                    windows.add(new PitrWindow(service, id, List.of(), Optional.empty(), Optional.empty(),
                            Optional.empty(), Optional.empty()));
                    continue;
                }
                Optional<Instant> to = Optional.empty();
                Optional<String> gap = Optional.empty();
                Instant from = bases.get(0).ended();
                Optional<String> earlierGap = Optional.empty();
                Path scratch = Files.createTempDirectory("pitr-window");
                try {
                    to = Optional.of(PitrRestore.plan(archive, destination.getValue(), id, service,
                            Optional.empty(), scratch).reaches());
                    // Each base backup must reach the next one's end: the moment just before it is restored from
                    // the older one. One that cannot moves the window's start past the gap.
                    for (int i = 0; i + 1 < bases.size(); i++) {
                        Instant justBefore = bases.get(i + 1).ended().minusMillis(1);
                        if (!justBefore.isAfter(bases.get(i).ended())) {
                            continue;
                        }
                        try {
                            PitrRestore.plan(archive, destination.getValue(), id, service, Optional.of(justBefore),
                                    scratch);
                        } catch (ArchiveCorruptException | ArchiveNotFoundException e) {
                            from = bases.get(i + 1).ended();
                            earlierGap = Optional.of(e.getMessage());
                        }
                    }
                } catch (ArchiveCorruptException e) {
                    gap = Optional.of(e.getMessage());
                } finally {
                    DirectoryContents.clear(scratch);
                    Files.deleteIfExists(scratch);
                }
                windows.add(new PitrWindow(service, id, bases.stream().map(BaseBackupOperation::info).toList(),
                        Optional.of(from), to, gap, earlierGap));
            } catch (IOException e) {
                throw new StorageException("Cannot read the point-in-time recovery archive of service '" + service
                        + "' in " + id + ": " + e.getMessage(), e);
            }
        }
        return windows;
    }
}
