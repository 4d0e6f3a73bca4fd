package org.pgbackup.internal.storage;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.pgbackup.naming.BackupName;
import org.pgbackup.naming.Sidecar;
import org.pgbackup.retention.RetentionPolicy;
import org.pgbackup.spi.ObjectLocks;
import org.pgbackup.spi.PendingObject;
import org.pgbackup.spi.Storage;
import org.pgbackup.spi.StoredObject;

/**
 * A destination with object locks, as every operation sees it: each archive, manifest and
 * roles file it creates is locked from its first byte until the moment this destination's
 * retention would delete the archive, plus the lock's grace. Other objects are created as
 * they always are.
 */
public final class LockedStorage implements Storage {
    // The sidecars' suffixes, the roles file's with and without encryption.
    private static final List<String> SIDECAR_SUFFIXES = List.of(Sidecar.MANIFEST.of(""), Sidecar.ROLES.of(""),
            Sidecar.ROLES.of(".age").substring(".age".length()));

    private final Storage storage;
    private final ObjectLocks locks;
    private final RetentionPolicy retention;

    /**
     * @param storage a storage whose {@link Storage#objectLocks()} is {@code locks}
     * @param retention the destination's retention
     */
    public LockedStorage(Storage storage, ObjectLocks locks, RetentionPolicy retention) {
        this.storage = requireNonNull(storage, "storage is null");
        this.locks = requireNonNull(locks, "locks is null");
        this.retention = requireNonNull(retention, "retention is null");
    }

    /** The storage, locked if its settings ask for it. */
    public static Storage of(Storage storage, RetentionPolicy retention) {
        return storage.objectLocks().<Storage>map(locks -> new LockedStorage(storage, locks, retention))
                .orElse(storage);
    }

    /** Until when an archive (and its sidecars) is first locked: its retention's end plus the grace. */
    public Instant retainUntil(BackupName archive) {
        return retention.expiry(archive).plus(locks.grace());
    }

    /** The archive a file belongs to: itself, or the archive a manifest or roles file is named after. */
    public static Optional<BackupName> archiveOf(String fileName) {
        for (String suffix : SIDECAR_SUFFIXES) {
            if (fileName.endsWith(suffix)) {
                Optional<BackupName> name = BackupName.parse(fileName.substring(0, fileName.length()
                        - suffix.length()));
                if (name.isPresent()) {
                    return name;
                }
            }
        }
        return BackupName.parse(fileName);
    }

    @Override
    public PendingObject create(String service, String name) throws IOException {
        Optional<BackupName> archive = archiveOf(name);
        return archive.isPresent() ? locks.create(service, name, retainUntil(archive.get()))
                : storage.create(service, name);
    }

    @Override
    public Optional<ObjectLocks> objectLocks() {
        return Optional.of(locks);
    }

    @Override
    public String describe() {
        return storage.describe();
    }

    @Override
    public InputStream open(String service, String name) throws IOException {
        return storage.open(service, name);
    }

    @Override
    public List<StoredObject> list(String service) throws IOException {
        return storage.list(service);
    }

    @Override
    public List<String> directories(String service) throws IOException {
        return storage.directories(service);
    }

    @Override
    public void delete(String service, String name) throws IOException {
        storage.delete(service, name);
    }

    @Override
    public void removeStale(String service) throws IOException {
        storage.removeStale(service);
    }

    @Override
    public void close() throws IOException {
        storage.close();
    }
}
