package org.pgbackup.internal.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.pgbackup.error.ConfigurationException;
import org.pgbackup.internal.plugin.InstalledPlugins;
import org.pgbackup.spi.StorageProvider;

/** The storage providers on the classpath, by id. */
public final class StorageProviders {
    private final Map<String, StorageProvider> byId;

    private StorageProviders(Map<String, StorageProvider> byId) {
        this.byId = byId;
    }

    /**
     * Finds every provider on the class path and in the plugins.
     *
     * @throws ConfigurationException if two providers claim one id
     */
    public static StorageProviders installed(InstalledPlugins plugins) {
        return of(plugins.load(StorageProvider.class, "storage provider"));
    }

    /**
     * The given providers.
     *
     * @throws ConfigurationException if two providers claim one id
     */
    public static StorageProviders of(List<StorageProvider> providers) {
        Map<String, StorageProvider> byId = new TreeMap<>();
        List<String> clashes = new ArrayList<>();
        for (StorageProvider provider : providers) {
            List<String> ids = new ArrayList<>();
            ids.add(provider.id());
            ids.addAll(provider.aliases());
            for (String id : ids) {
                StorageProvider previous = byId.putIfAbsent(id, provider);
                if (previous != null && previous.getClass() != provider.getClass()) {
                    clashes.add("Storage id '" + id + "' is claimed by both " + previous.getClass().getName() + " and "
                            + provider.getClass().getName() + ": remove one of the two jars from the classpath");
                }
            }
        }
        if (!clashes.isEmpty()) {
            throw new ConfigurationException(clashes);
        }
        return new StorageProviders(byId);
    }

    /** The provider for an id of {@code BACKUP_TARGET}. */
    public Optional<StorageProvider> find(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    /** The settings every provider reads. */
    public Set<String> settings() {
        Set<String> names = new TreeSet<>();
        byId.values().forEach(p -> names.addAll(p.settings()));
        return names;
    }

    /** Every known id, sorted. */
    public List<String> ids() {
        return List.copyOf(byId.keySet());
    }
}
