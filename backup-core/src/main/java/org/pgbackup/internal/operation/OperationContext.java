package org.pgbackup.internal.operation;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.pgbackup.internal.storage.LockedStorage;
import org.pgbackup.config.Configuration;
import org.pgbackup.config.StorageTarget;
import org.pgbackup.controller.BackupController;
import org.pgbackup.error.ConfigurationException;
import org.pgbackup.error.StorageException;
import org.pgbackup.internal.postgres.PgBinaries;
import org.pgbackup.internal.process.ProcessRunner;
import org.pgbackup.spi.PendingObject;
import org.pgbackup.spi.Storage;
import org.pgbackup.spi.StorageContext;
import org.pgbackup.spi.StorageProvider;
import org.pgbackup.spi.StoredObject;
import org.tinylog.Logger;

/**
 * What every operation of one controller works with: its configuration and clock, its own
 * process runner and the PostgreSQL programs found for it, its destinations, and the
 * service lock. One per {@link BackupController}; nothing in it is shared between
 * controllers.
 */
public final class OperationContext {
    /** The data tree's files and directories: the controller's alone. */
    public static final Set<PosixFilePermission> DATA_FILES = PosixFilePermissions.fromString("rw-------");
    public static final Set<PosixFilePermission> DATA_DIRECTORIES = PosixFilePermissions.fromString("rwx------");
    /** The shared tree's, which other environments mount: readable by the group. */
    public static final Set<PosixFilePermission> SHARED_FILES = PosixFilePermissions.fromString("rw-r-----");
    public static final Set<PosixFilePermission> SHARED_DIRECTORIES = PosixFilePermissions.fromString("rwxr-x---");
    /** Large reads and writes: each one crosses into the native compressor or a socket. */
    static final int TRANSFER_BUFFER = 256 * 1024;
    private static final String LOCAL = "local";

    private final Configuration config;
    private final Clock clock;
    private final ProcessRunner runner;
    private final PgBinaries binaries;
    private final Map<String, Storage> destinations;
    private final DumpAdmission dumpAdmission;

    public OperationContext(Configuration config, Clock clock, ProcessRunner runner) {
        this.config = requireNonNull(config, "config is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.runner = requireNonNull(runner, "runner is null");
        this.binaries = PgBinaries.locate(config.pgBinDir(), PgBinaries.DEBIAN_ROOT,
                config.toolSearchPath().orElse(null), runner);
        Map<String, Storage> created = new LinkedHashMap<>();
        for (String id : config.targets()) {
            StorageTarget target = config.target(id);
            created.put(id, LockedStorage.of(target.provider().create(new StorageContext(target.settings(),
                    config.dataRoot(), DATA_FILES, DATA_DIRECTORIES)), config.retention(id)));
        }
        this.destinations = created;
        this.dumpAdmission = new DumpAdmission(config.parallelism(), config.serverLock());
    }

    /** When each {@code pg_dump} of this controller may start: see {@link DumpAdmission}. */
    DumpAdmission dumpAdmission() {
        return dumpAdmission;
    }

    public Configuration config() {
        return config;
    }

    Clock clock() {
        return clock;
    }

    public ProcessRunner runner() {
        return runner;
    }

    PgBinaries binaries() {
        return binaries;
    }

    /** The destinations of {@code BACKUP_TARGET}, by id, in its order. */
    public Map<String, Storage> destinations() {
        return destinations;
    }

    Verifier verifier() {
        return new Verifier(binaries.find("pg_restore"), config.operationTimeout(), config.encryption());
    }

    /** Takes the service's lock for an operation, waiting up to {@code LOCK_WAIT_SECONDS}. */
    ServiceLock lock(String service, String operation) {
        return ServiceLock.acquire(config.stateDirectory(service), service, operation, config.lockWait());
    }

    /**
     * The destinations {@code list} and {@code restore} read, the local volume first: it is
     * the fastest to read. Without a local destination they read the others, which goes
     * beyond the specification on purpose: a bucket-only setup can still restore.
     */
    Map<String, Storage> readOrder() {
        Map<String, Storage> ordered = new LinkedHashMap<>();
        Optional.ofNullable(destinations.get(LOCAL)).ifPresent(local -> ordered.put(LOCAL, local));
        ordered.putAll(destinations);
        return ordered;
    }

    /** The shared directory is a local mount whatever the targets are, so the local provider serves it. */
    Storage sharedStorage() {
        StorageProvider local = config.installedProvider(LOCAL).orElseThrow(() -> new ConfigurationException("The shared directory needs the local storage provider"
                    + " (backup-storage-local), which is not on the classpath: add its jar"));
        return local.create(new StorageContext(Map.of(), config.sharedRoot(), SHARED_FILES,
                SHARED_DIRECTORIES));
    }

    /** Stores a small object, such as a sidecar, whole. */
    static void put(Storage storage, String service, String name, byte[] content) throws IOException {
        try (PendingObject object = storage.create(service, name)) {
            object.output().write(content);
            object.commit();
        }
    }

    /** Removes a working file; one that stays is logged, and the next operation replaces it. */
    static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            Logger.warn("Cannot remove {}: {}", file, e.getMessage());
        }
    }

    /** {@code SERVER=production}: a shared directory for every service, made when the controller opens. */
    public void createSharedDirectories() {
        for (String service : config.serviceNames()) {
            Path dir = config.sharedRoot().resolve(service);
            try {
                createDirectories(dir, SHARED_DIRECTORIES);
            } catch (IOException e) {
                throw new StorageException("Cannot create the shared directory " + dir + " (SERVER=production): "
                        + e.getMessage() + ". Make it writable by the controller's user", e);
            }
        }
    }

    static void createDirectories(Path dir, Set<PosixFilePermission> permissions) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, permissions);
        }
    }

    /** A destination's listing, or empty with the failure noted, so that one broken destination hides no other. */
    static List<StoredObject> listingOrNote(Map.Entry<String, Storage> destination, String service,
            Map<String, String> unreadable) {
        try {
            return listing(destination.getValue(), service);
        } catch (StorageException e) {
            Logger.error("{}: {}", service, e.getMessage());
            unreadable.put(destination.getKey(), e.getMessage());
            return List.of();
        }
    }

    static List<StoredObject> listing(Storage storage, String service) {
        try {
            return storage.list(service);
        } catch (IOException e) {
            throw new StorageException("Cannot list the archives of service '" + service + "' in "
                    + storage.describe() + ": " + e.getMessage(), e);
        }
    }
}
