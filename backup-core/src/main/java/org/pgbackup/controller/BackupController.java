package org.pgbackup.controller;

import java.util.HashMap;
import static java.util.Objects.requireNonNull;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import org.pgbackup.compression.ArchiveForm;
import org.pgbackup.compression.Compression;
import org.pgbackup.config.Configuration;
import org.pgbackup.config.Mode;
import org.pgbackup.config.ServiceSettings;
import org.pgbackup.error.ArchiveNotFoundException;
import org.pgbackup.error.BackupException;
import org.pgbackup.error.ConfigurationException;
import org.pgbackup.error.ConfirmationRequiredException;
import org.pgbackup.error.DumpFailedException;
import org.pgbackup.error.RestoreFailedException;
import org.pgbackup.error.StorageException;
import org.pgbackup.internal.postgres.PgBinaries;
import org.pgbackup.internal.postgres.PgConnection;
import org.pgbackup.internal.postgres.PgDump;
import org.pgbackup.internal.postgres.PgDumpAll;
import org.pgbackup.internal.postgres.PgResetWal;
import org.pgbackup.internal.postgres.PgRestore;
import org.pgbackup.internal.postgres.PgRoles;
import org.pgbackup.internal.postgres.PgVersion;
import org.pgbackup.internal.process.ProcessResult;
import org.pgbackup.internal.process.ProcessRunner;
import org.pgbackup.internal.storage.FanOut;
import org.pgbackup.manifest.Manifest;
import org.pgbackup.naming.BackupName;
import org.pgbackup.naming.Sidecar;
import org.pgbackup.retention.RetentionDecision;
import org.pgbackup.spi.PendingObject;
import org.pgbackup.spi.Storage;
import org.pgbackup.spi.StorageContext;
import org.pgbackup.spi.StorageProvider;
import org.pgbackup.spi.StoredObject;
import org.tinylog.Logger;

/**
 * The controller's operations: dump, list, restore, restore from the shared copy, and
 * reset WAL. The command line only parses and prints; embedders call this class the same
 * way.
 *
 * <p>Every operation names a service of {@code DATABASE_LIST}; an unknown one throws
 * {@link org.pgbackup.error.UnknownServiceException} before anything is touched. Failures
 * are {@link BackupException}s whose messages say what to do.
 */
public final class BackupController implements AutoCloseable {
    /**
     * The file name of a service's copy in the shared directory when it is a plain custom
     * archive; a zstd-wrapped copy is {@code file.dump.zst} (see {@link #sharedFile}).
     */
    public static final String SHARED_FILE = "file" + BackupName.EXTENSION;
    /** The name under which {@link DumpResult#storedIn()} lists the shared directory. */
    public static final String SHARED = "shared";

    static final Set<PosixFilePermission> DATA_FILES = PosixFilePermissions.fromString("rw-------");
    static final Set<PosixFilePermission> DATA_DIRECTORIES = PosixFilePermissions.fromString("rwx------");
    static final Set<PosixFilePermission> SHARED_FILES = PosixFilePermissions.fromString("rw-r-----");
    static final Set<PosixFilePermission> SHARED_DIRECTORIES = PosixFilePermissions.fromString("rwxr-x---");


    private final Configuration config;
    private final Clock clock;
    private final ProcessRunner runner;
    private final PgBinaries binaries;
    private final Map<String, Storage> destinations;

    private BackupController(Configuration config, Clock clock, ProcessRunner runner) {
        this.config = requireNonNull(config, "config is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.runner = requireNonNull(runner, "runner is null");
        this.binaries = PgBinaries.locate(config.pgBinDir(), PgBinaries.DEBIAN_ROOT, config.environment().get("PATH"),
                runner);
        Map<String, Storage> created = new LinkedHashMap<>();
        for (String target : config.targets()) {
            created.put(target, config.provider(target).create(context(config.dataRoot(), DATA_FILES,
                    DATA_DIRECTORIES)));
        }
        this.destinations = created;
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
            controller.createSharedDirectories();
        }
        return controller;
    }

    /** The configuration this controller runs on. */
    public Configuration configuration() {
        return config;
    }

    private void createSharedDirectories() {
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

    private static void createDirectories(Path dir, Set<PosixFilePermission> permissions) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, permissions);
        }
    }

    /**
     * Dumps one service to every destination of {@code BACKUP_TARGET} at once, from one
     * {@code pg_dump} run, and to the shared directory when asked. An archive becomes
     * visible in a destination only once {@code pg_dump} succeeded and every byte arrived.
     *
     * @param service a service of {@code DATABASE_LIST}
     * @param toShared whether to also replace {@code shared/<service>/file.dump}
     * @return the archive; {@link DumpResult#complete()} is false if a destination failed
     *     while others stored it
     * @throws DumpFailedException if {@code pg_dump} failed; no destination keeps anything
     * @throws StorageException if no destination could store the archive
     */
    public DumpResult dump(String service, boolean toShared) {
        ServiceSettings settings = config.service(service);
        try (ServiceLock lock = lock(service, "dump")) {
            return dumpLocked(settings, toShared);
        }
    }

    private DumpResult dumpLocked(ServiceSettings settings, boolean toShared) {
        String service = settings.name();
        PgConnection connection = new PgConnection(settings, runner);
        PgVersion server = connection.serverVersion(binaries);
        Path program = binaries.clientFor("pg_dump", server);
        PgVersion client = binaries.versionOf(program);
        destinations.forEach((id, storage) -> {
            try {
                storage.removeStale(service);
            } catch (IOException e) {
                Logger.warn("{}: cleaning up {} failed: {}", service, id, e.getMessage());
            }
        });
        Optional<String> roles = roles(connection, server);
        BackupName name = freshName(service, config.compression().form());
        Instant started = clock.instant();
        Logger.info("{}: dumping database '{}' at {} (PostgreSQL {}) as {}", service, settings.database(),
                settings.address(), server, name);

        Map<String, Storage> targets = new LinkedHashMap<>(destinations);
        Storage shared = toShared ? sharedStorage() : null;
        if (shared != null) {
            targets.put(SHARED, shared);
        }
        Map<String, PendingObject> pending = new LinkedHashMap<>();
        Map<String, String> failed = new LinkedHashMap<>();
        targets.forEach((id, storage) -> open(pending, failed, id, () -> storage.create(service, fileOf(id, name))));
        try (FanOut out = new FanOut(pending); shared) {
            if (pending.isEmpty()) {
                throw new StorageException("No destination could store the archive of service '" + service + "': "
                        + failed);
            }
            Compression compression = config.compression();
            ArchiveDigest digest = new ArchiveDigest();
            byte[][] head = new byte[1][];
            ProcessResult result;
            try {
                result = new PgDump(connection, program, config.operationTimeout()).run(compression.pgDumpOption(),
                        in -> {
                            try (OutputStream sink = compression.compressing(digest.writing(out))) {
                                head[0] = transfer(in, sink);
                            }
                        });
            } catch (IOException e) {
                throw new StorageException("The dump of service '" + service + "' could not be stored: "
                        + e.getMessage(), e);
            }
            if (!result.succeeded()) {
                throw new DumpFailedException("pg_dump failed for service '" + service + "' (database '"
                        + settings.database() + "' at " + settings.address() + ") and no archive was kept: "
                        + result.failure());
            }
            if (ArchiveForm.detect(head[0]).orElse(null) != ArchiveForm.CUSTOM) {
                throw new DumpFailedException("pg_dump for service '" + service + "' exited 0 but wrote "
                        + (head[0].length == 0 ? "nothing" : "no custom-format archive") + "; no archive was kept."
                        + " Check " + program + " (is it a real pg_dump?)");
            }
            List<String> stored = out.commit();
            failed.putAll(out.failures());
            if (stored.isEmpty()) {
                throw new StorageException("No destination could store the archive of service '" + service + "': "
                        + failed);
            }
            Manifest manifest = new Manifest(name.fileName(), digest.sha256(), digest.size(), service,
                    settings.database(), settings.address(), server.text(), client.text(), "custom",
                    compression.toString(), started, clock.instant());
            List<String> complete = new ArrayList<>();
            for (String id : stored) {
                String archive = fileOf(id, name);
                try {
                    if (roles.isPresent()) {
                        put(targets.get(id), service, Sidecar.ROLES.of(archive),
                                roles.get().getBytes(StandardCharsets.UTF_8));
                    }
                    // Last: a manifest says the archive beside it is complete.
                    put(targets.get(id), service, Sidecar.MANIFEST.of(archive), manifest.toJson());
                    complete.add(id);
                    if (SHARED.equals(id)) {
                        removeOtherSharedForm(shared, service, name.form());
                    }
                } catch (IOException | RuntimeException e) {
                    failed.put(id, "the archive is stored but its sidecars are not, so it counts as incomplete: "
                            + e.getMessage());
                }
            }
            Duration took = Duration.between(started, clock.instant());
            failed.forEach((id, why) -> Logger.error("{}: destination {} failed: {}", service, id, why));
            Logger.info("{}: stored {} ({} bytes, sha256 {}) in {} in {} ms", service, name, digest.size(),
                    manifest.sha256(), String.join(", ", complete), took.toMillis());
            if (config.verifyAfterDump()) {
                verifyAfterDump(service, name, complete, failed);
            }
            Map<String, List<String>> removed = new LinkedHashMap<>();
            for (String id : complete) {
                if (destinations.containsKey(id)) {
                    applyRetention(service, id, destinations.get(id), removed, failed);
                }
            }
            return new DumpResult(service, name, digest.size(), took, complete, failed, removed);
        } catch (IOException e) {
            throw new StorageException("Closing the shared directory failed: " + e.getMessage(), e);
        }
    }

    /**
     * Copies {@code pg_dump}'s output into the sink and returns its first bytes, which show
     * whether it wrote an archive at all.
     */
    private static byte[] transfer(InputStream in, OutputStream sink) throws IOException {
        byte[] head = in.readNBytes(ArchiveForm.HEAD_LENGTH);
        sink.write(head);
        // Large writes: each one crosses into the native compressor.
        byte[] buffer = new byte[TRANSFER_BUFFER];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            sink.write(buffer, 0, n);
        }
        return head;
    }

    private static final int TRANSFER_BUFFER = 256 * 1024;

    /** The instance's roles for the sidecar; a dump without them is still worth keeping. */
    private Optional<String> roles(PgConnection connection, PgVersion server) {
        try {
            return new PgDumpAll(connection, binaries.clientFor("pg_dumpall", server), config.operationTimeout())
                    .roles();
        } catch (BackupException e) {
            Logger.warn("{}: roles are not saved with this archive: {}", connection.service().name(), e.getMessage());
            return Optional.empty();
        }
    }

    /** An archive's file name in a destination: its name, or {@code file.dump[.zst]} in the shared directory. */
    private static String fileOf(String destination, BackupName name) {
        return SHARED.equals(destination) ? sharedFile(name.form()) : name.fileName();
    }

    /** The file name of a service's shared copy in a form: {@code file.dump} or {@code file.dump.zst}. */
    public static String sharedFile(ArchiveForm form) {
        return "file" + form.extension();
    }

    /**
     * Removes the shared copy in the other form once the new one is complete, so that the
     * shared directory holds one copy: {@code file.dump} or {@code file.dump.zst}.
     */
    private static void removeOtherSharedForm(Storage shared, String service, ArchiveForm kept) {
        for (ArchiveForm form : ArchiveForm.values()) {
            if (form == kept) {
                continue;
            }
            String other = sharedFile(form);
            try {
                shared.delete(service, Sidecar.MANIFEST.of(other));
                shared.delete(service, other);
                shared.delete(service, Sidecar.ROLES.of(other));
            } catch (IOException e) {
                Logger.warn("{}: the shared directory keeps an older {} beside the new {}: {}", service, other,
                        sharedFile(kept), e.getMessage());
            }
        }
    }

    private static void put(Storage storage, String service, String name, byte[] content) throws IOException {
        try (PendingObject object = storage.create(service, name)) {
            object.output().write(content);
            object.commit();
        }
    }

    private void verifyAfterDump(String service, BackupName name, List<String> complete, Map<String, String> failed) {
        for (String id : new ArrayList<>(complete)) {
            if (!destinations.containsKey(id)) {
                continue;
            }
            VerifyResult check = verifier().verify(id, destinations.get(id), service, name.fileName());
            if (!check.ok()) {
                complete.remove(id);
                failed.put(id + " (verify)", check.problem());
            }
        }
    }

    /**
     * Applies the retention policy to one destination of a service, after a dump that
     * stored a new archive there: a failed dump never deletes anything.
     */
    private void applyRetention(String service, String id, Storage storage, Map<String, List<String>> removed,
            Map<String, String> failed) {
        List<String> names = new ArrayList<>();
        try {
            storage.list(service).forEach(o -> names.add(o.name()));
        } catch (IOException e) {
            failed.put(id + " (retention)", "cannot list: " + e.getMessage());
            return;
        }
        List<String> deleted = new ArrayList<>();
        for (RetentionDecision decision : config.retention().decide(names, clock.instant())) {
            if (!decision.delete()) {
                continue;
            }
            try {
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
    }

    private Verifier verifier() {
        return new Verifier(runner, binaries.find("pg_restore"), config.operationTimeout());
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
        config.service(service);
        Optional<BackupName> only = Optional.ofNullable(fileName).map(BackupName::parseArgument);
        Verifier verifier = verifier();
        List<VerifyResult> results = new ArrayList<>();
        for (ArchiveInfo archive : list(service).archives()) {
            if (only.isPresent() && !only.get().equals(archive.name())) {
                continue;
            }
            for (String id : archive.locations()) {
                VerifyResult result = verifier.verify(id, destinations.get(id), service, archive.name().fileName());
                if (result.ok()) {
                    Logger.info("{}: verified {} in {}: sha256 {}", service, archive.name(), id,
                            result.manifest().orElseThrow().sha256());
                } else {
                    Logger.error("{}: {} in {} failed verification: {}", service, archive.name(), id, result.problem());
                }
                results.add(result);
            }
        }
        if (only.isPresent() && results.isEmpty()) {
            throw new ArchiveNotFoundException("Service '" + service + "' has no archive " + only.get() + ": run 'list "
                    + service + "' to see its archives");
        }
        return results;
    }

    /**
     * Whether backups are fresh: every service has a complete archive younger than the
     * limit ({@code HEALTH_MAX_AGE}, or in production the schedule's longest gap plus an
     * hour). Outside production with no limit set there is no schedule to be fresh against,
     * so it checks that each server answers.
     */
    public List<ServiceHealth> health() {
        Instant now = clock.instant();
        Optional<Duration> limit = config.healthMaxAge().or(() -> config.mode() == Mode.PRODUCTION
                ? Optional.of(config.schedule().longestGap(now).plus(HEALTH_GRACE)) : Optional.empty());
        List<ServiceHealth> report = new ArrayList<>();
        for (ServiceSettings settings : config.services()) {
            String service = settings.name();
            try {
                report.add(limit.isPresent() ? freshness(service, now, limit.get()) : answers(settings));
            } catch (BackupException e) {
                report.add(new ServiceHealth(service, false, e.getMessage()));
            }
        }
        return report;
    }

    private static final Duration HEALTH_GRACE = Duration.ofHours(1);

    private ServiceHealth freshness(String service, Instant now, Duration limit) {
        Optional<ArchiveInfo> newest = list(service).archives().stream().filter(ArchiveInfo::complete).findFirst();
        if (newest.isEmpty()) {
            return new ServiceHealth(service, false, "stale: no complete archive (limit " + human(limit) + ")");
        }
        Duration age = Duration.between(newest.get().name().createdAt(), now);
        String detail = "newest complete archive " + newest.get().name() + " is " + human(age) + " old (limit "
                + human(limit) + ")";
        boolean fresh = age.compareTo(limit) <= 0;
        return new ServiceHealth(service, fresh, (fresh ? "fresh: " : "stale since "
                + newest.get().name().createdAt().plus(limit) + ": ") + detail);
    }

    private ServiceHealth answers(ServiceSettings settings) {
        PgVersion version = new PgConnection(settings, runner).serverVersion(binaries);
        return new ServiceHealth(settings.name(), true, "server at " + settings.address() + " answers (PostgreSQL "
                + version + "); no freshness limit outside production without HEALTH_MAX_AGE");
    }

    private static String human(Duration d) {
        long minutes = d.toMinutes();
        return minutes >= 120 ? (minutes / 60) + "h" + (minutes % 60 == 0 ? "" : (minutes % 60) + "m")
                : minutes >= 1 ? minutes + "m" : d.toSeconds() + "s";
    }

    /**
     * Dumps every service, {@code BACKUP_PARALLELISM} at a time, going on after a service
     * fails.
     *
     * @return the outcomes in the order of {@code DATABASE_LIST}
     */
    public List<ServiceOutcome<DumpResult>> dumpAll(boolean toShared) {
        return forEachService(config.parallelism(), service -> dump(service, toShared));
    }

    private interface Opener {
        PendingObject open() throws IOException;
    }

    private static void open(Map<String, PendingObject> pending, Map<String, String> failures, String id,
            Opener opener) {
        try {
            pending.put(id, opener.open());
        } catch (IOException | RuntimeException e) {
            failures.put(id, e.getMessage());
        }
    }

    /**
     * A name not yet taken: two dumps of a service in one second would share a name, so the
     * second waits for the next second.
     */
    private BackupName freshName(String service, ArchiveForm form) {
        while (true) {
            Instant now = clock.instant();
            BackupName name = BackupName.startedAt(now, config.zone(), form);
            if (!existsAnywhere(service, name)) {
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
    private boolean existsAnywhere(String service, BackupName name) {
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

    /**
     * The archives of a service in every destination, newest first, each with the
     * destinations that hold it and the time after which retention removes it. Files that
     * are not archive names are left out. A destination that cannot be listed is reported
     * in the listing rather than hiding the others.
     *
     * @throws StorageException if no destination could be listed
     */
    public ArchiveListing list(String service) {
        config.service(service);
        Map<BackupName, ArchiveInfo> archives = new LinkedHashMap<>();
        Map<String, String> unreadable = new LinkedHashMap<>();
        for (Map.Entry<String, Storage> destination : readOrder().entrySet()) {
            List<StoredObject> objects = listingOrNote(destination, service, unreadable);
            Map<String, Long> sizes = new HashMap<>();
            objects.forEach(o -> sizes.put(o.name(), o.size()));
            for (StoredObject object : objects) {
                Optional<BackupName> parsed = BackupName.parse(object.name());
                if (parsed.isEmpty()) {
                    continue;
                }
                BackupName n = parsed.get();
                // Cheap: the manifest's recorded size against the listed one; verify reads everything.
                Optional<Manifest> manifest = sizes.containsKey(Sidecar.MANIFEST.of(object.name()))
                        ? Verifier.manifest(destination.getValue(), service, object.name()) : Optional.empty();
                boolean complete = manifest.map(m -> m.size() == object.size()).orElse(false);
                ArchiveInfo info = new ArchiveInfo(n, object.size(), object.modified(),
                        Optional.of(config.retention().expiry(n)), List.of(destination.getKey()),
                        complete ? List.of() : List.of(destination.getKey()), manifest);
                archives.merge(n, info, ArchiveInfo::merge);
            }
        }
        if (unreadable.size() == destinations.size()) {
            throw new StorageException("Cannot list the archives of service '" + service + "' in any destination: "
                    + unreadable.values().iterator().next());
        }
        List<ArchiveInfo> sorted = new ArrayList<>(archives.values());
        sorted.sort(Comparator.comparing(ArchiveInfo::name));
        if (!sorted.isEmpty()) {
            // Retention never removes the newest archive, whatever its age.
            sorted.set(0, sorted.get(0).keptWhileNewest());
        }
        return new ArchiveListing(sorted, unreadable);
    }

    /**
     * How many archives of a service each destination holds: one listing per destination,
     * without reading manifests, so it is cheap enough to run after every scheduled dump.
     */
    public Map<String, Integer> countArchives(String service) {
        config.service(service);
        Map<String, Integer> counts = new TreeMap<>();
        for (Map.Entry<String, Storage> destination : destinations.entrySet()) {
            counts.put(destination.getKey(), (int) listing(destination.getValue(), service).stream()
                    .filter(o -> BackupName.parse(o.name()).isPresent()).count());
        }
        return counts;
    }

    /**
     * Restores an archive of a service into its database, replacing the database's objects
     * in one transaction. The archive is read from the first destination that holds it, the
     * local volume first.
     *
     * @param fileName an archive name as {@link #list} shows it
     * @param options owners, manifest and roles handling
     * @throws org.pgbackup.error.ArchiveCorruptException if the archive does not match its
     *     manifest, or has none and {@code force} is false; the database was not touched
     * @throws org.pgbackup.error.InvalidArchiveNameException if the name is a path or not an
     *     archive name; nothing was touched
     * @throws ArchiveNotFoundException if no destination holds an archive of that name
     * @throws RestoreFailedException if {@code pg_restore} failed; the database is unchanged
     */
    public void restore(String service, String fileName, RestoreOptions options) {
        BackupName name = BackupName.parseArgument(fileName);
        config.service(service);
        try (ServiceLock lock = lock(service, "restore")) {
            restoreLocked(service, name, options);
        }
    }

    private void restoreLocked(String service, BackupName name, RestoreOptions options) {
        Map<String, String> unreadable = new LinkedHashMap<>();
        Storage withoutManifest = null;
        for (Map.Entry<String, Storage> destination : readOrder().entrySet()) {
            List<StoredObject> objects = listingOrNote(destination, service, unreadable);
            if (objects.stream().noneMatch(o -> o.name().equals(name.fileName()))) {
                continue;
            }
            // A copy with its manifest first: one without may be incomplete.
            if (objects.stream().anyMatch(o -> o.name().equals(Sidecar.MANIFEST.of(name.fileName())))) {
                restoreFrom(destination.getValue(), service, name.fileName(), options);
                return;
            }
            if (withoutManifest == null) {
                withoutManifest = destination.getValue();
            }
        }
        if (withoutManifest != null) {
            restoreFrom(withoutManifest, service, name.fileName(), options);
            return;
        }
        if (!unreadable.isEmpty()) {
            throw new StorageException("Archive " + name + " of service '" + service + "' was not found, and "
                    + String.join(", ", unreadable.keySet()) + " could not be searched: " + unreadable.values()
                            .iterator().next());
        }
        throw new ArchiveNotFoundException("Service '" + service + "' has no archive " + name + " in "
                + String.join(", ", readOrder().keySet()) + ": run 'list " + service + "' to see its archives");
    }

    /**
     * Restores {@code shared/<service>/file.dump} or {@code file.dump.zst} into the service's
     * database, whatever {@code BACKUP_TARGET} says: the shared directory is a mount of its
     * own. Should both exist (a dump that stopped between writing one and removing the
     * other), the newer one is restored.
     *
     * @return the file restored
     * @throws ArchiveNotFoundException if there is no shared copy
     */
    public String restoreFromShared(String service, RestoreOptions options) {
        config.service(service);
        try (ServiceLock lock = lock(service, "restore");
                Storage shared = sharedStorage()) {
            List<StoredObject> copies = listing(shared, service).stream()
                    .filter(o -> Arrays.stream(ArchiveForm.values()).anyMatch(f -> o.name().equals(sharedFile(f))))
                    .sorted(Comparator.comparing(StoredObject::modified).reversed())
                    .toList();
            if (copies.isEmpty()) {
                throw new ArchiveNotFoundException("Service '" + service + "' has no shared copy: neither "
                        + SHARED_FILE + " nor " + sharedFile(ArchiveForm.ZSTD) + " exists in "
                        + config.sharedRoot().resolve(service) + ". Create it with 'dump " + service + " --shared'"
                        + " where the data lives");
            }
            String file = copies.get(0).name();
            if (copies.size() > 1) {
                Logger.warn("{}: the shared directory holds both {} and {}; restoring the newer, {}", service,
                        copies.get(0).name(), copies.get(1).name(), file);
            }
            restoreFrom(shared, service, file, options);
            return file;
        } catch (IOException e) {
            throw new StorageException("Closing the shared directory failed: " + e.getMessage(), e);
        }
    }

    /** Restores every service from its shared copy, going on after a service fails. */
    public List<ServiceOutcome<String>> restoreAllFromShared(RestoreOptions options) {
        return forEachService(1, service -> restoreFromShared(service, options));
    }

    private void restoreFrom(Storage storage, String service, String object, RestoreOptions options) {
        ServiceSettings settings = config.service(service);
        ArchiveForm form = Verifier.checkBeforeRestore(storage, service, object, options.force());
        PgConnection connection = new PgConnection(settings, runner);
        PgVersion server = connection.serverVersion(binaries);
        Path program = binaries.clientFor("pg_restore", server);
        if (options.withRoles()) {
            applyRoles(storage, connection, object);
        }
        Logger.info("{}: restoring {} from {} into database '{}' at {} (PostgreSQL {}){}", service, object,
                storage.describe(), settings.database(), settings.address(), server, options.parallel()
                        ? " with " + options.jobs() + " parallel jobs, not in one transaction" : "");
        PgRestore pgRestore = new PgRestore(connection, program, config.operationTimeout());
        if (options.parallel()) {
            restoreInParallel(pgRestore, storage, settings, object, form, options);
            return;
        }
        ProcessResult result;
        try {
            result = pgRestore.run(stdin -> {
                try (InputStream in = openUnwrapped(storage, service, object, form)) {
                    in.transferTo(stdin);
                }
            }, options.keepOwners());
        } catch (IOException e) {
            throw new RestoreFailedException("Reading " + object + " from " + storage.describe() + " failed during"
                    + " the restore of service '" + service + "'; the database is unchanged: " + e.getMessage(), e);
        }
        if (!result.succeeded()) {
            throw new RestoreFailedException("pg_restore failed for service '" + service + "' (database '"
                    + settings.database() + "' at " + settings.address() + "); the restore ran in one transaction, so"
                    + " the database is unchanged: " + result.failure());
        }
        Logger.info("{}: restored {} into database '{}'", service, object, settings.database());
    }

    /**
     * Unwraps the archive into a local file, which parallel {@code pg_restore} jobs need to
     * seek in, restores from it, and removes it. The file sits under the backup root, which
     * has room for archives, and is replaced by the next parallel restore if a kill left it.
     */
    private void restoreInParallel(PgRestore pgRestore, Storage storage, ServiceSettings settings, String object,
            ArchiveForm form, RestoreOptions options) {
        String service = settings.name();
        Path directory = config.stateDirectory(service).resolve("restore-tmp");
        Path local = directory.resolve(service + BackupName.EXTENSION);
        ProcessResult result;
        try {
            createDirectories(directory, DATA_DIRECTORIES);
            Files.deleteIfExists(local);
            Files.createFile(local, PosixFilePermissions.asFileAttribute(DATA_FILES));
            try (InputStream in = openUnwrapped(storage, service, object, form);
                    OutputStream out = Files.newOutputStream(local)) {
                in.transferTo(out);
            }
        } catch (IOException e) {
            deleteQuietly(local);
            throw new RestoreFailedException("Copying " + object + " of service '" + service + "' to " + local
                    + " for a parallel restore failed, so the database was not touched: " + e.getMessage()
                    + ". Free space under " + directory + ", or restore without --jobs", e);
        }
        try {
            result = pgRestore.runParallel(local, options.jobs(), options.keepOwners());
        } catch (IOException e) {
            throw new RestoreFailedException("pg_restore could not run for service '" + service + "': "
                    + e.getMessage(), e);
        } finally {
            deleteQuietly(local);
        }
        if (!result.succeeded()) {
            throw new RestoreFailedException("Parallel pg_restore failed for service '" + service + "' (database '"
                    + settings.database() + "' at " + settings.address() + "); with --jobs each job commits on its"
                    + " own, so the database may be partly restored. Restore again, without --jobs to make it all or"
                    + " nothing: " + result.failure());
        }
        Logger.info("{}: restored {} into database '{}' with {} parallel jobs", service, object, settings.database(),
                options.jobs());
    }

    /** The custom-format archive inside a stored file, read in large blocks. */
    private static InputStream openUnwrapped(Storage storage, String service, String object, ArchiveForm form)
            throws IOException {
        return form.unwrap(new BufferedInputStream(storage.open(service, object), TRANSFER_BUFFER));
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            Logger.warn("Cannot remove {}: {}", file, e.getMessage());
        }
    }

    /**
     * Creates the roles saved beside an archive. Roles that exist already are left as they
     * are; any other error stops the restore before the database is touched.
     */
    private void applyRoles(Storage storage, PgConnection connection, String archive) {
        String service = connection.service().name();
        String sql;
        try (InputStream in = storage.open(service, Sidecar.ROLES.of(archive))) {
            sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new RestoreFailedException(archive + " of service '" + service + "' has no saved roles ("
                    + Sidecar.ROLES.of(archive) + " cannot be read: " + e.getMessage() + "); nothing was restored."
                    + " Restore without --with-roles");
        }
        String errors = new PgRoles(connection, binaries.find("psql"), config.operationTimeout()).apply(sql);
        if (!errors.isEmpty()) {
            throw new RestoreFailedException("Creating the roles saved with " + archive + " failed for service '"
                    + service + "'; the database was not touched: " + errors);
        }
        Logger.info("{}: applied the roles saved with {}", service, archive);
    }

    /** Asks whoever runs {@code resetwal} to confirm, having shown them the dry run. */
    @FunctionalInterface
    public interface Confirmation {
        /**
         * @param dryRun what {@code pg_resetwal --dry-run} says it would do
         * @return whether to go ahead
         */
        boolean confirm(String dryRun);
    }

    /**
     * Resets the write-ahead log of a service's stopped server, the guarded way: it refuses
     * while the server runs; shows the dry run and needs a confirmation; copies
     * {@code global/pg_control}, {@code pg_wal}, {@code pg_xact} and {@code pg_multixact}
     * aside first; then runs the {@code pg_resetwal} of the data directory's own major
     * version as the directory's owner.
     *
     * @param force moves a stale {@code postmaster.pid} aside (saved with the rest) and
     *     passes {@code -f} to {@code pg_resetwal}
     * @throws org.pgbackup.error.ServerRunningException if the server runs
     * @throws org.pgbackup.error.ConfirmationRequiredException if not confirmed; nothing changed
     */
    public ResetWalResult resetWal(String service, boolean force, Confirmation confirmation) {
        ServiceSettings settings = config.service(service);
        try (ServiceLock lock = lock(service, "resetwal")) {
            PgResetWal resetWal = new PgResetWal(binaries, config.operationTimeout(), settings);
            Optional<Path> stalePid = resetWal.checkStopped(force);
            String dryRun = resetWal.dryRun(force, stalePid);
            if (!confirmation.confirm(dryRun)) {
                throw new ConfirmationRequiredException("resetwal of service '" + service + "' was not confirmed;"
                        + " nothing was changed. Add --yes, or run it on a terminal and type the service name");
            }
            Path saved = WalSave.copyAside(settings.dataDirectory(),
                    config.stateDirectory(service).resolve("resetwal"), clock.instant(), stalePid);
            Logger.warn("{}: saved control data and WAL of {} to {}; resetting the write-ahead log", service,
                    settings.dataDirectory(), saved);
            return new ResetWalResult(dryRun, saved, resetWal.reset(force));
        }
    }

    /** Takes the service's lock for an operation, waiting up to {@code LOCK_WAIT_SECONDS}. */
    private ServiceLock lock(String service, String operation) {
        return ServiceLock.acquire(config.stateDirectory(service), service, operation, config.lockWait());
    }

    private <T> List<ServiceOutcome<T>> forEachService(int parallelism, Function<String, T> operation) {
        return ServiceRuns.each(config.serviceNames(), parallelism, service -> {
            try {
                return ServiceOutcome.success(service, operation.apply(service));
            } catch (BackupException e) {
                Logger.error("{}: {}", service, e.getMessage());
                return ServiceOutcome.failure(service, e);
            }
        });
    }

    /**
     * The destinations {@code list} and {@code restore} read, the local volume first: it is
     * the fastest to read. Without a local destination they read the others, which goes
     * beyond the specification on purpose: a bucket-only setup can still restore.
     */
    private Map<String, Storage> readOrder() {
        Map<String, Storage> ordered = new LinkedHashMap<>();
        Optional.ofNullable(destinations.get(LOCAL)).ifPresent(local -> ordered.put(LOCAL, local));
        ordered.putAll(destinations);
        return ordered;
    }

    private static final String LOCAL = "local";

    /** The shared directory is a local mount whatever the targets are, so the local provider serves it. */
    private Storage sharedStorage() {
        StorageProvider local;
        try {
            local = config.provider(LOCAL);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("The shared directory needs the local storage provider"
                    + " (backup-storage-local), which is not on the classpath: add its jar");
        }
        return local.create(context(config.sharedRoot(), SHARED_FILES, SHARED_DIRECTORIES));
    }

    private StorageContext context(Path root, Set<PosixFilePermission> files, Set<PosixFilePermission> dirs) {
        return new StorageContext(config.environment(), root, files, dirs);
    }

    /** A destination's listing, or empty with the failure noted, so that one broken destination hides no other. */
    private static List<StoredObject> listingOrNote(Map.Entry<String, Storage> destination, String service,
            Map<String, String> unreadable) {
        try {
            return listing(destination.getValue(), service);
        } catch (StorageException e) {
            Logger.error("{}: {}", service, e.getMessage());
            unreadable.put(destination.getKey(), e.getMessage());
            return List.of();
        }
    }

    private static List<StoredObject> listing(Storage storage, String service) {
        try {
            return storage.list(service);
        } catch (IOException e) {
            throw new StorageException("Cannot list the archives of service '" + service + "' in "
                    + storage.describe() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Stops the PostgreSQL programs this controller runs, so that its operations waiting on
     * them fail and clean up, and refuses to start more: a dump aborted this way leaves no
     * archive. Other controllers in the same JVM are not touched.
     */
    public void cancel() {
        runner.stopAll();
    }

    /** Stops this controller's programs, as {@link #cancel()} does, and closes its destinations. */
    @Override
    public void close() {
        runner.stopAll();
        for (Map.Entry<String, Storage> destination : destinations.entrySet()) {
            try {
                destination.getValue().close();
            } catch (IOException e) {
                Logger.warn("Closing destination {} failed: {}", destination.getKey(), e.getMessage());
            }
        }
    }
}
