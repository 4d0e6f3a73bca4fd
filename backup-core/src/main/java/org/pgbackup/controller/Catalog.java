package org.pgbackup.controller;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.pgbackup.config.Configuration;
import org.pgbackup.error.StorageException;
import org.pgbackup.manifest.Manifest;
import org.pgbackup.naming.BackupName;
import org.pgbackup.naming.Sidecar;
import org.pgbackup.spi.Storage;
import org.pgbackup.spi.StoredObject;

/** What the destinations hold: {@code list}, and archive counts for metrics. */
final class Catalog {
    private final OperationContext ctx;
    private final Configuration config;
    private final Map<String, Storage> destinations;

    Catalog(OperationContext ctx) {
        this.ctx = ctx;
        this.config = ctx.config();
        this.destinations = ctx.destinations();
    }

    ArchiveListing list(String service) {
        config.service(service);
        Map<BackupName, ArchiveInfo> archives = new LinkedHashMap<>();
        Map<String, String> unreadable = new LinkedHashMap<>();
        for (Map.Entry<String, Storage> destination : ctx.readOrder().entrySet()) {
            List<StoredObject> objects = OperationContext.listingOrNote(destination, service, unreadable);
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

    Map<String, Integer> countArchives(String service) {
        config.service(service);
        Map<String, Integer> counts = new TreeMap<>();
        for (Map.Entry<String, Storage> destination : destinations.entrySet()) {
            counts.put(destination.getKey(), (int) OperationContext.listing(destination.getValue(), service).stream()
                    .filter(o -> BackupName.parse(o.name()).isPresent()).count());
        }
        return counts;
    }
}
