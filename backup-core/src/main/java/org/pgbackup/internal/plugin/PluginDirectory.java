package org.pgbackup.internal.plugin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.pgbackup.error.ConfigurationException;
import org.tinylog.Logger;

/**
 * The plugins directory ({@code CONTROLLER_PLUGINS}, {@code plugins/} beside the launcher):
 * each jar directly in it is one plugin, and so is each directory in it, with all the jars
 * that directory holds (a plugin and its libraries, unshaded). Each gets a
 * {@link PluginClassLoader} of its own.
 */
public final class PluginDirectory {
    private static final String SPI_CLASS = PluginClassLoader.SPI_PACKAGE.replace('.', '/') + "StorageProvider.class";

    private PluginDirectory() {
    }

    /**
     * A class loader for each plugin in {@code directory}, in name order; none when the
     * directory does not exist. A plugin that bundles the SPI itself is refused: its copy
     * would never be used, and a plugin built that way breaks when the SPI changes.
     *
     * @throws ConfigurationException if {@code directory} is not a readable directory
     */
    public static List<PluginClassLoader> open(Path directory, ClassLoader spiLoader) {
        if (!Files.exists(directory)) {
            return List.of();
        }
        List<PluginClassLoader> loaders = new ArrayList<>();
        try (Stream<Path> entries = Files.list(directory)) {
            for (Path entry : entries.sorted().toList()) {
                List<URL> jars = jarsOf(entry);
                if (jars.isEmpty()) {
                    continue;
                }
                PluginClassLoader loader = new PluginClassLoader(entry.getFileName().toString(), jars, spiLoader);
                if (loader.findResource(SPI_CLASS) != null) {
                    Logger.error("Skipping {} in {}: it bundles the controller's SPI (org.pgbackup.spi); depend on"
                            + " org.pgbackup:backup-spi in provided scope and rebuild it", loader, directory);
                    close(loader);
                    continue;
                }
                loaders.add(loader);
            }
        } catch (IOException | UncheckedIOException e) {
            loaders.forEach(PluginDirectory::close);
            throw new ConfigurationException("Cannot read the plugins directory " + directory + " (CONTROLLER_PLUGINS): "
                    + e.getMessage());
        }
        return loaders;
    }

    private static List<URL> jarsOf(Path entry) throws IOException {
        if (Files.isRegularFile(entry) && entry.getFileName().toString().endsWith(".jar")) {
            return List.of(url(entry));
        }
        if (!Files.isDirectory(entry)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(entry)) {
            return files.filter(f -> Files.isRegularFile(f) && f.getFileName().toString().endsWith(".jar")).sorted()
                    .map(PluginDirectory::url).toList();
        }
    }

    private static URL url(Path jar) {
        try {
            return jar.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("Not a file URL: " + jar, e);
        }
    }

    private static void close(PluginClassLoader loader) {
        try {
            loader.close();
        } catch (IOException e) {
            Logger.warn("Closing {} failed: {}", loader, e.getMessage());
        }
    }
}
