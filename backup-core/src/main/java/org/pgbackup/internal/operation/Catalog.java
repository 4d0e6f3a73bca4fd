package org.pgbackup.internal.operation;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.pgbackup.config.Configuration;
import org.pgbackup.config.ServiceSettings;
import org.pgbackup.controller.ArchiveInfo;
import org.pgbackup.controller.ArchiveListing;
import org.pgbackup.error.StorageException;
import org.pgbackup.manifest.Manifest;
import org.pgbackup.naming.BackupName;
import org.pgbackup.naming.DatabaseDirectory;
import org.pgbackup.naming.Sidecar;
import org.pgbackup.spi.Storage;
import org.pgbackup.spi.StoredObject;
import org.tinylog.Logger;

/** What the destinations hold: {@code list}, and archive counts for metrics. */
public final class Catalog {
    private final OperationContext ctx;
    private final Configuration config;
    private final Map<String, Storage> destinations;

    public Catalog(OperationContext ctx) {
        this.ctx = ctx;
        this.config = ctx.config();
        this.destinations = ctx.destinations();
    }

    public ArchiveListing list(String service) {
        ServiceSettings settings = config.service(service);
        Map<String, String> unreadable = new LinkedHashMap<>();
        List<ArchiveInfo> archives = new ArrayList<>();
        if (settings.wholeServer()) {
            Optional<DatabaseRoster> roster = DatabaseRoster.read(config.stateDirectory(service));
            for (String directory : directories(ctx.readOrder(), service, unreadable)) {
                boolean gone = roster.map(r -> !r.onServer(directory)).orElse(false);
                listDirectory(service + "/" + directory, unreadable).forEach(a -> archives.add(a.in(directory, gone)));
            }
        } else {
            archives.addAll(listDirectory(service, unreadable));
        }
        if (unreadable.size() == destinations.size()) {
            throw new StorageException("Cannot list the archives of service '" + service + "' in any destination: "
                    + unreadable.values().iterator().next());
        }
        return new ArchiveListing(archives, unreadable);
    }

    /**
     * The database directories of a whole-server service in any of the destinations, sorted;
     * a destination that cannot list them is noted. Directories this controller would not
     * have made are left out.
     */
    static List<String> directories(Map<String, Storage> destinations, String service,
            Map<String, String> unreadable) {
        Set<String> found = new TreeSet<>();
        for (Map.Entry<String, Storage> destination : destinations.entrySet()) {
            try {
                destination.getValue().directories(service).stream()
                        .filter(d -> DatabaseDirectory.database(d).isPresent()).forEach(found::add);
            } catch (IOException e) {
                Logger.error("{}: {}", service, e.getMessage());
                unreadable.put(destination.getKey(), e.getMessage());
            }
        }
        return List.copyOf(found);
    }

    /** The archives of one directory, newest first, the newest kept by retention. */
    private List<ArchiveInfo> listDirectory(String service, Map<String, String> unreadable) {
        Map<BackupName, ArchiveInfo> archives = new LinkedHashMap<>();
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
        List<ArchiveInfo> sorted = new ArrayList<>(archives.values());
        sorted.sort(Comparator.comparing(ArchiveInfo::name));
        if (!sorted.isEmpty()) {
            // Retention never removes the newest archive, whatever its age.
            sorted.set(0, sorted.get(0).keptWhileNewest());
        }
        return sorted;
    }

    public Map<String, Integer> countArchives(String service) {
        Map<String, Integer> counts = new TreeMap<>();
        destinations.forEach((id, storage) -> counts.put(id, archiveNames(Map.entry(id, storage), service).size()));
        return counts;
    }

    /**
     * How many archives each destination lacks of those another holds, by names alone (one
     * listing per destination, no manifest read); a destination that cannot be listed is
     * left out.
     */
    public Map<String, Integer> missingArchives(String service) {
        Map<String, Set<String>> held = new TreeMap<>();
        for (Map.Entry<String, Storage> destination : destinations.entrySet()) {
            try {
                held.put(destination.getKey(), archiveNames(destination, service));
            } catch (StorageException e) {
                Logger.warn("{}: {}", service, e.getMessage());
            }
        }
        Set<String> all = new TreeSet<>();
        held.values().forEach(all::addAll);
        Map<String, Integer> missing = new TreeMap<>();
        held.forEach((id, names) -> missing.put(id, (int) all.stream().filter(n -> !names.contains(n)).count()));
        return missing;
    }

    /** The archive names one destination holds, as {@code <directory>/<name>} for a whole-server service. */
    private Set<String> archiveNames(Map.Entry<String, Storage> destination, String service) {
        List<String> directories = List.of(service);
        if (config.service(service).wholeServer()) {
            Map<String, String> unreadable = new HashMap<>();
            directories = directories(Map.ofEntries(destination), service, unreadable).stream()
                    .map(d -> service + "/" + d).toList();
            if (!unreadable.isEmpty()) {
                throw new StorageException(unreadable.values().iterator().next());
            }
        }
        Set<String> names = new TreeSet<>();
        for (String directory : directories) {
            OperationContext.listing(destination.getValue(), directory).stream()
                    .filter(o -> BackupName.parse(o.name()).isPresent()).forEach(o -> names.add(directory + "/" + o.name()));
        }
        return names;
    }
}
