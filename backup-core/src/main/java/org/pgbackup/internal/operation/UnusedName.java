package org.pgbackup.internal.operation;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.pgbackup.compression.ArchiveForm;
import org.pgbackup.error.DumpFailedException;
import org.pgbackup.naming.BackupName;
import org.pgbackup.spi.Storage;
import org.tinylog.Logger;

/**
 * Picks a dump's name that no destination holds yet: two dumps of a service in one second
 * would share a name, so the second waits for the next second.
 */
public final class UnusedName {
    private UnusedName() {
    }

    /**
     * A name that none of the directories holds in any destination: a whole-server run gives
     * its name to every database's archive.
     */
    static BackupName pick(Clock clock, ZoneId zone, Map<String, Storage> destinations, List<String> directories,
            ArchiveForm form) {
        String service = directories.get(0);
        while (true) {
            Instant now = clock.instant();
            BackupName name = BackupName.startedAt(now, zone, form);
            if (directories.stream().noneMatch(d -> existsAnywhere(destinations, d, name))) {
                return name;
            }
            try {
                Thread.sleep(1000 - now.getNano() / 1_000_000 + 1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DumpFailedException("Interrupted while waiting for a fresh archive name for '" + service + "'",
                        e);
            }
        }
    }

    /** Whether an archive of that kind and time exists in any form: two forms of one name would confuse. */
    private static boolean existsAnywhere(Map<String, Storage> destinations, String service, BackupName name) {
        for (Map.Entry<String, Storage> destination : destinations.entrySet()) {
            try {
                if (destination.getValue().list(service).stream().anyMatch(o -> BackupName.parse(o.name())
                        .filter(n -> n.kind() == name.kind() && n.createdAt().equals(name.createdAt())).isPresent())) {
                    return true;
                }
            } catch (IOException e) {
                // A destination that cannot list will fail the write too, and report it there.
                Logger.debug("Listing {} failed: {}", destination.getKey(), e.getMessage());
            }
        }
        return false;
    }
}
