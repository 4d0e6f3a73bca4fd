package org.pgbackup.internal.plugin;

import static java.util.Objects.requireNonNull;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.List;

/**
 * The class loader of one plugin, as Trino's and Elasticsearch's are: it sees the plugin's
 * own jars, the JDK, and the SPI packages ({@code org.pgbackup.spi}), which always come from
 * the controller so that the plugin's classes implement the controller's interfaces. Nothing
 * else of the controller is visible to it (its Jackson, its HTTP client, core itself), and
 * nothing of the plugin leaks out: a plugin may bundle any version of any library.
 */
public final class PluginClassLoader extends URLClassLoader {
    /** The packages every plugin shares with the controller. */
    public static final String SPI_PACKAGE = "org.pgbackup.spi.";

    static {
        registerAsParallelCapable();
    }

    private final String name;
    private final ClassLoader spiLoader;

    /**
     * @param name what the plugin is called in messages: its jar's or directory's name
     * @param jars the plugin's jars
     * @param spiLoader the loader of the controller's SPI classes
     */
    public PluginClassLoader(String name, List<URL> jars, ClassLoader spiLoader) {
        // The platform loader as parent: the JDK's classes, and not the application's.
        super("plugin-" + name, jars.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
        this.name = requireNonNull(name, "name is null");
        this.spiLoader = requireNonNull(spiLoader, "spiLoader is null");
    }

    @Override
    protected Class<?> loadClass(String className, boolean resolve) throws ClassNotFoundException {
        if (className.startsWith(SPI_PACKAGE)) {
            return spiLoader.loadClass(className);
        }
        return super.loadClass(className, resolve);
    }

    @Override
    public String toString() {
        return "plugin '" + name + "'";
    }
}
