package org.pgbackup.internal.storage;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.pgbackup.error.ConfigurationException;
import org.pgbackup.internal.plugin.PluginClassLoader;
import org.pgbackup.internal.plugin.PluginDirectory;
import org.pgbackup.spi.StorageProvider;
import org.tinylog.Logger;

/** The storage providers on the classpath, by id. */
public final class StorageProviders {
    private final Map<String, StorageProvider> byId;

    private StorageProviders(Map<String, StorageProvider> byId) {
        this.byId = byId;
    }

    /**
     * Finds every provider on the class path. A broken plugin jar is logged and skipped, so
     * that it cannot take the working destinations down with it.
     *
     * @throws ConfigurationException if two providers claim one id
     */
    public static StorageProviders installed() {
        return of(load(StorageProviders.class.getClassLoader(), "the class path"));
    }

    /**
     * Finds every provider on the class path, then those of each plugin in
     * {@code pluginDirectory}, each through a {@link PluginClassLoader} of its own.
     *
     * @throws ConfigurationException if two providers claim one id, or the directory cannot be read
     */
    public static StorageProviders installed(Path pluginDirectory) {
        List<StorageProvider> found = load(StorageProviders.class.getClassLoader(), "the class path");
        for (PluginClassLoader plugin : PluginDirectory.open(pluginDirectory, StorageProvider.class.getClassLoader())) {
            List<StorageProvider> provided = load(plugin, plugin.toString());
            if (provided.isEmpty()) {
                Logger.warn("{} in {} provides no storage: it lists no org.pgbackup.spi.StorageProvider in"
                        + " META-INF/services", plugin, pluginDirectory);
            }
            found.addAll(provided);
        }
        return of(found);
    }

    private static List<StorageProvider> load(ClassLoader loader, String where) {
        List<StorageProvider> found = new ArrayList<>();
        Iterator<StorageProvider> it = ServiceLoader.load(StorageProvider.class, loader).iterator();
        while (true) {
            try {
                if (!it.hasNext()) {
                    break;
                }
                found.add(it.next());
            } catch (ServiceConfigurationError | LinkageError e) {
                Logger.warn("Skipping a storage provider of {} that failed to load: {}", where, e.toString());
            }
        }
        return found;
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
