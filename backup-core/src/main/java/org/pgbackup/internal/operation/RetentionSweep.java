package org.pgbackup.internal.operation;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.pgbackup.config.Configuration;
import org.pgbackup.naming.BackupName;
import org.pgbackup.naming.Sidecar;
import org.pgbackup.retention.RetentionDecision;
import org.pgbackup.retention.RetentionPolicy;
import org.pgbackup.spi.ObjectLocks;
import org.pgbackup.spi.Storage;
import org.tinylog.Logger;

/**
 * Retention applied to one destination of a service after a dump that stored a new archive
 * there; and, on a destination with object locks, the newest archive's lock moved on while
 * it stays the newest, since retention keeps it whatever its age.
 */
public final class RetentionSweep {
    private final Configuration config;
    private final Clock clock;

    RetentionSweep(OperationContext ctx) {
        this.config = ctx.config();
        this.clock = ctx.clock();
    }

    /**
     * Applies the retention policy to one destination of a service, after a dump that
     * stored a new archive there: a failed dump never deletes anything. An archive whose
     * lock has not ended yet is left for a later run, with a line saying until when.
     */
    void apply(String service, String id, Storage storage, Map<String, List<String>> removed,
            Map<String, String> failed) {
        List<String> names = new ArrayList<>();
        try {
            storage.list(service).forEach(o -> names.add(o.name()));
        } catch (IOException e) {
            failed.put(id + " (retention)", "cannot list: " + e.getMessage());
            return;
        }
        Instant now = clock.instant();
        List<String> deleted = new ArrayList<>();
        for (RetentionDecision decision : config.retention(id).decide(names, now)) {
            if (!decision.delete()) {
                continue;
            }
            try {
                Optional<Instant> locked = lockedUntil(storage, service, decision.fileName(), names);
                if (locked.isPresent() && locked.get().isAfter(now)) {
                    Logger.info("{}: retention waits to remove {} from {}: its Object Lock holds it until {}",
                            service, decision.fileName(), id, locked.get());
                    continue;
                }
                // The manifest goes first: an archive without one is incomplete, never mistaken for good.
                storage.delete(service, Sidecar.MANIFEST.of(decision.fileName()));
                storage.delete(service, decision.fileName());
                storage.delete(service, Sidecar.ROLES.of(decision.fileName()));
                deleted.add(decision.fileName());
                Logger.info("{}: retention removed {} from {}: {}", service, decision.fileName(), id, decision.reason());
            } catch (IOException e) {
                failed.put(id + " (retention)", "cannot delete " + decision.fileName() + ": " + e.getMessage());
                Logger.error("{}: retention could not remove {} from {}: {}", service, decision.fileName(), id,
                        e.getMessage());
            }
        }
        if (!deleted.isEmpty()) {
            removed.put(id, List.copyOf(deleted));
        }
        try {
            keepNewestLocked(service, id, storage, names);
        } catch (IOException e) {
            failed.put(id + " (lock)", "cannot extend the lock of the newest archive: " + e.getMessage());
        }
    }

    /** The latest lock of an archive and its manifest: the manifest's decides for an archive already gone. */
    private static Optional<Instant> lockedUntil(Storage storage, String service, String archive, List<String> names)
            throws IOException {
        Optional<ObjectLocks> locks = storage.objectLocks();
        if (locks.isEmpty()) {
            return Optional.empty();
        }
        Optional<Instant> latest = Optional.empty();
        for (String name : List.of(archive, Sidecar.MANIFEST.of(archive), Sidecar.ROLES.of(archive))) {
            if (!names.contains(name)) {
                continue;
            }
            try {
                Optional<Instant> until = locks.get().lockedUntil(service, name);
                if (until.isPresent() && (latest.isEmpty() || until.get().isAfter(latest.get()))) {
                    latest = until;
                }
            } catch (NoSuchFileException e) {
                // Gone since the listing: nothing to wait for.
            }
        }
        return latest;
    }

    /**
     * On a destination with object locks, moves the lock of a service's newest archive (and
     * its sidecars) on to a full retention period from now, plus the grace, once less than half
     * a period is left: retention keeps the newest archive whatever its age, so its lock must
     * last as long, even through weeks of failed dumps. Does nothing on other destinations.
     */
    void keepNewestLocked(String service, String id, Storage storage) throws IOException {
        if (storage.objectLocks().isEmpty()) {
            return;
        }
        List<String> names = new ArrayList<>();
        storage.list(service).forEach(o -> names.add(o.name()));
        keepNewestLocked(service, id, storage, names);
    }

    private void keepNewestLocked(String service, String id, Storage storage, List<String> names)
            throws IOException {
        Optional<ObjectLocks> locks = storage.objectLocks();
        if (locks.isEmpty()) {
            return;
        }
        Set<String> present = new TreeSet<>(names);
        Optional<BackupName> newest = names.stream().map(BackupName::parse).flatMap(Optional::stream)
                .filter(n -> present.contains(Sidecar.MANIFEST.of(n.fileName())))
                .max(Comparator.naturalOrder());
        if (newest.isEmpty()) {
            return;
        }
        BackupName archive = newest.get();
        RetentionPolicy retention = config.retention(id);
        Duration period = retention.period(archive.kind());
        Instant now = clock.instant();
        Optional<Instant> locked = locks.get().lockedUntil(service, archive.fileName());
        if (locked.isPresent() && !locked.get().isBefore(now.plus(period.dividedBy(2)))) {
            return;
        }
        Instant until = now.plus(period).plus(locks.get().grace());
        for (String name : List.of(archive.fileName(), Sidecar.MANIFEST.of(archive.fileName()),
                Sidecar.ROLES.of(archive.fileName()))) {
            if (present.contains(name)) {
                locks.get().extend(service, name, until);
            }
        }
        Logger.info("{}: moved the lock of {} in {} on to {}: it is still the newest archive, which retention"
                + " keeps", service, archive.fileName(), id, until);
    }
}
