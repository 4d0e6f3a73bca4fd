package org.pgbackup.internal.plugin;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import org.pgbackup.error.ConfigurationException;
import org.tinylog.Logger;

/**
 * What extends the controller: the providers on the class path, and those of each plugin in
 * the plugins directory, each plugin opened once, with a {@link PluginClassLoader} of its
 * own, whatever kinds of provider it holds (storage, notification channels).
 */
public final class InstalledPlugins {
    private final ClassLoader classPath;
    private final Path directory;
    private final List<PluginClassLoader> plugins;
    private final Set<PluginClassLoader> used = new HashSet<>();

    private InstalledPlugins(ClassLoader classPath, Path directory, List<PluginClassLoader> plugins) {
        this.classPath = classPath;
        this.directory = directory;
        this.plugins = plugins;
    }

    /** The class path alone. */
    public static InstalledPlugins classPath() {
        return new InstalledPlugins(InstalledPlugins.class.getClassLoader(), null, List.of());
    }

    /**
     * The class path and the plugins of a directory.
     *
     * @throws ConfigurationException if the directory cannot be read
     */
    public static InstalledPlugins in(Path directory) {
        ClassLoader spi = org.pgbackup.spi.StorageProvider.class.getClassLoader();
        return new InstalledPlugins(InstalledPlugins.class.getClassLoader(), directory,
                PluginDirectory.open(directory, spi));
    }

    /**
     * Every provider of a kind: the class path's, then each plugin's. One that fails to load
     * is logged and skipped, so that a broken plugin cannot take the working ones down.
     *
     * @param what the kind, for messages: "storage provider"
     */
    public <T> List<T> load(Class<T> type, String what) {
        List<T> found = load(type, classPath, "the class path", what);
        for (PluginClassLoader plugin : plugins) {
            List<T> provided = load(type, plugin, plugin.toString(), what);
            if (!provided.isEmpty()) {
                used.add(plugin);
            }
            found.addAll(provided);
        }
        return found;
    }

    /** Warns of each plugin that gave none of the kinds {@link #load} was asked for. */
    public void warnOfIdlePlugins(String kinds) {
        for (PluginClassLoader plugin : plugins) {
            if (!used.contains(plugin)) {
                Logger.warn("{} in {} provides no {}: it lists none in META-INF/services", plugin, directory, kinds);
            }
        }
    }

    private static <T> List<T> load(Class<T> type, ClassLoader loader, String where, String what) {
        List<T> found = new ArrayList<>();
        Iterator<T> it = ServiceLoader.load(type, loader).iterator();
        while (true) {
            try {
                if (!it.hasNext()) {
                    break;
                }
                found.add(it.next());
            } catch (ServiceConfigurationError | LinkageError e) {
                Logger.warn("Skipping a {} of {} that failed to load: {}", what, where, e.toString());
            }
        }
        return found;
    }
}
