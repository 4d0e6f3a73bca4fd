package org.pgbackup.internal.operation;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.pgbackup.controller.ArchiveInfo;
import org.pgbackup.controller.ArchiveListing;
import org.pgbackup.controller.Cancellation;
import org.pgbackup.controller.SyncResult;
import org.pgbackup.error.BackupException;
import org.pgbackup.error.CancelledException;
import org.pgbackup.manifest.Manifest;
import org.pgbackup.naming.Sidecar;
import org.pgbackup.spi.PendingObject;
import org.pgbackup.spi.Storage;
import org.pgbackup.spi.StoredObject;
import org.tinylog.Logger;

/**
 * Catch-up: every complete archive that one destination holds and another lacks, and that
 * the lacking destination's retention would still keep, is streamed from the one to the other with its roles file and, last,
 * its manifest. The bytes are checked against the source's manifest on the way and the copy
 * is committed only when they match, so a destination never takes an archive its manifest
 * does not describe; a source that does not match is skipped for the next one that holds
 * the archive, and when none matches the archive is refused and reported.
 */
public final class SyncOperation {
    private final OperationContext ctx;
    private final Catalog catalog;

    public SyncOperation(OperationContext ctx, Catalog catalog) {
        this.ctx = ctx;
        this.catalog = catalog;
    }

    /** One catch-up of a service under its lock; with {@code dryRun}, only what would be copied. */
    public SyncResult sync(String service, boolean dryRun, Cancellation cancellation) {
        Map<String, Storage> destinations = ctx.readOrder();
        List<SyncResult.Copy> copies = new ArrayList<>();
        Map<String, String> refused = new LinkedHashMap<>();
        Map<String, String> failed = new LinkedHashMap<>();
        if (destinations.size() < 2) {
            return new SyncResult(service, copies, refused, failed, dryRun);
        }
        try (ServiceLock lock = ctx.lock(service, "sync")) {
            ArchiveListing listing = catalog.list(service);
            listing.unreadableDestinations().forEach((id, why) -> failed.put(id, "cannot be listed: "
                    + ctx.config().target(id).inVariables(why)));
            Instant now = ctx.clock().instant();
            Listings listings = new Listings(destinations);
            for (ArchiveInfo archive : listing.archives()) {
                // The newest archive is kept whatever its age; it alone has no removal time.
                boolean newest = archive.removableAfter().isEmpty();
                List<String> sources = archive.locations().stream().filter(l -> !archive.incompleteIn().contains(l))
                        .distinct().toList();
                for (String target : destinations.keySet()) {
                    if (sources.isEmpty() || sources.contains(target) || failed.containsKey(target)
                            || !newest && !ctx.config().retention(target).expiry(archive.name()).isAfter(now)) {
                        continue;
                    }
                    if (cancellation.isCancelled()) {
                        throw new CancelledException("The sync of service '" + service + "' was cancelled");
                    }
                    String key = archive.path() + " to " + target;
                    if (dryRun) {
                        copies.add(new SyncResult.Copy(archive.path(), sources.get(0), target, archive.size()));
                        continue;
                    }
                    String directory = archive.directory().map(d -> service + "/" + d).orElse(service);
                    Copying copying = new Copying(directory, archive.name().fileName(), target, listings);
                    copying.from(sources).ifPresentOrElse(from -> {
                        copies.add(new SyncResult.Copy(archive.path(), from, target, archive.size()));
                        Logger.info("{}: copied {} from {} to {}, its sha256 checked against the manifest", service,
                                archive.path(), from, target);
                    }, () -> {
                        String why = ctx.config().target(target).inVariables(copying.problems());
                        (copying.targetFailed ? failed : refused).put(key, why);
                        Logger.error("{}: {} not copied to {}: {}", service, archive.path(), target, why);
                    });
                }
            }
        }
        return new SyncResult(service, copies, refused, failed, dryRun);
    }

    /**
     * After a dump that every destination stored, the archives an earlier run left missing
     * somewhere. It never fails the dump: what it could not copy is logged, and the next run
     * or {@code sync} tries again.
     */
    public void afterDump(String service, Cancellation cancellation) {
        if (ctx.destinations().size() < 2) {
            return;
        }
        try {
            SyncResult result = sync(service, false, cancellation);
            result.refused().forEach((what, why) -> Logger.error("{}: catch-up refused {}: {}", service, what, why));
            result.failed().forEach((what, why) -> Logger.error("{}: catch-up failed for {}: {}", service, what, why));
        } catch (BackupException e) {
            Logger.error("{}: catch-up after the dump failed: {}", service, e.getMessage());
        }
    }

    /** Each destination's listing of a directory, read once per sync, for the sidecars it holds. */
    private static final class Listings {
        private final Map<String, Storage> destinations;
        private final Map<String, Set<String>> names = new HashMap<>();

        Listings(Map<String, Storage> destinations) {
            this.destinations = destinations;
        }

        Storage storage(String id) {
            return destinations.get(id);
        }

        boolean holds(String id, String directory, String name) {
            return names.computeIfAbsent(id + "\0" + directory, k -> OperationContext.listing(storage(id), directory)
                    .stream().map(StoredObject::name).collect(Collectors.toSet())).contains(name);
        }
    }

    /** One archive to one target, tried from each source in turn. */
    private static final class Copying {
        private final String directory;
        private final String fileName;
        private final String target;
        private final Listings listings;
        private final Map<String, String> problems = new LinkedHashMap<>();
        private boolean targetFailed;

        Copying(String directory, String fileName, String target, Listings listings) {
            this.directory = directory;
            this.fileName = fileName;
            this.target = target;
            this.listings = listings;
        }

        /** The source the archive was copied from, or empty when every source failed. */
        Optional<String> from(List<String> sources) {
            for (String source : sources) {
                try {
                    if (copy(listings.storage(source), listings.storage(target), source)) {
                        return Optional.of(source);
                    }
                } catch (TargetFailure e) {
                    targetFailed = true;
                    problems.put(target, "cannot store it: " + e.getCause().getMessage());
                    return Optional.empty();
                } catch (IOException e) {
                    problems.put(source, "cannot read it: " + e.getMessage());
                }
            }
            return Optional.empty();
        }

        String problems() {
            return problems.entrySet().stream().map(e -> "in " + e.getKey() + ", " + e.getValue())
                    .collect(Collectors.joining("; "));
        }

        private boolean copy(Storage source, Storage destination, String sourceId) throws IOException {
            byte[] manifestBytes;
            try (InputStream in = source.open(directory, Sidecar.MANIFEST.of(fileName))) {
                manifestBytes = in.readAllBytes();
            }
            Optional<Manifest> manifest = Manifest.parse(manifestBytes);
            if (manifest.isEmpty()) {
                problems.put(sourceId, "its manifest cannot be read");
                return false;
            }
            ArchiveDigest digest = new ArchiveDigest();
            try (InputStream in = digest.reading(source.open(directory, fileName));
                    PendingObject object = create(destination)) {
                transfer(in, object);
                if (!digest.sha256().equals(manifest.get().sha256()) || digest.size() != manifest.get().size()) {
                    problems.put(sourceId, "its bytes do not match its manifest (sha256 " + digest.sha256() + ", "
                            + digest.size() + " bytes; the manifest says " + manifest.get().sha256() + ", "
                            + manifest.get().size() + " bytes): it was changed after it was written");
                    return false;
                }
                commit(object);
            }
            String roles = Sidecar.ROLES.of(fileName);
            if (listings.holds(sourceId, directory, roles)) {
                try (InputStream in = source.open(directory, roles)) {
                    put(destination, roles, in.readAllBytes());
                }
            }
            // The manifest last: until it is there, the target lists the archive as incomplete.
            put(destination, Sidecar.MANIFEST.of(fileName), manifestBytes);
            return true;
        }

        private PendingObject create(Storage destination) throws TargetFailure {
            try {
                return destination.create(directory, fileName);
            } catch (IOException | RuntimeException e) {
                throw new TargetFailure(e);
            }
        }

        /** Reads from the source, writes to the target; a failure on either side says which. */
        private static void transfer(InputStream in, PendingObject object) throws IOException {
            byte[] buffer = new byte[OperationContext.TRANSFER_BUFFER];
            OutputStream out = object.output();
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                try {
                    out.write(buffer, 0, n);
                } catch (IOException | RuntimeException e) {
                    throw new TargetFailure(e);
                }
            }
        }

        private static void commit(PendingObject object) throws TargetFailure {
            try {
                object.output().flush();
                object.commit();
            } catch (IOException | RuntimeException e) {
                throw new TargetFailure(e);
            }
        }

        private void put(Storage destination, String name, byte[] content) throws TargetFailure {
            try {
                OperationContext.put(destination, directory, name, content);
            } catch (IOException | RuntimeException e) {
                throw new TargetFailure(e);
            }
        }
    }

    /** A write to the target failed: trying another source would not help. */
    private static final class TargetFailure extends IOException {
        private static final long serialVersionUID = 1L;

        TargetFailure(Exception cause) {
            super(cause.getMessage(), cause);
        }
    }
}
