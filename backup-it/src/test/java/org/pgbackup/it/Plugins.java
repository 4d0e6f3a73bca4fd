package org.pgbackup.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Installs a plugin as an operator does: the jars of its built directory copied into {@code plugins/<name>/}. */
final class Plugins {
    private Plugins() {
    }

    /**
     * @param property the system property that names the built plugin directory
     * @param plugins the plugins directory the launcher is given
     * @return the plugin's own directory
     */
    static Path install(String property, Path plugins, String name) throws IOException {
        Path source = Path.of(System.getProperty(property, "missing"));
        assertThat(source).as("the plugin directory " + property + ", made before the tests run").isDirectory();
        Path plugin = Files.createDirectories(plugins.resolve(name));
        try (Stream<Path> jars = Files.list(source)) {
            for (Path jar : jars.toList()) {
                Files.copy(jar, plugin.resolve(jar.getFileName()));
            }
        }
        return plugin;
    }
}
