package org.pgbackup.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plugin is an island: a test plugin (src/it/conflicting-plugin, built by maven-invoker
 * against the installed backup-spi) that brings Jackson 2.12 and slf4j 1.7 as a directory
 * of unshaded jars dumps and restores through the launcher, while the controller's own
 * Jackson 2.18 writes the manifests in the same run, and it cannot see the controller.
 */
class PluginIsolationIT {
    @RegisterExtension
    static ClusterExtension app = new ClusterExtension("app", "quinn", "quinn-pw", "app", 200);

    @TempDir
    Path root;

    /** The test plugin's jars copied into {@code plugins/<name>/}, as an operator installs a plugin with libraries. */
    private Path installedAs(String name) throws IOException {
        return Plugins.install("conflicting.plugin.dir", root.resolve("plugins"), name);
    }

    /** The version of a library inside the controller's shaded jar, as its Maven metadata records it. */
    private static String controllersVersionOf(String group, String artifact) throws IOException {
        try (JarFile jar = new JarFile(ControllerProcess.jarPath().toFile())) {
            Properties properties = new Properties();
            try (InputStream in = jar.getInputStream(jar.getEntry("META-INF/maven/" + group + "/" + artifact
                    + "/pom.properties"))) {
                properties.load(in);
            }
            return properties.getProperty("version");
        }
    }

    @Test
    void aPluginWithItsOwnJacksonAndSlf4jDumpsBesideTheControllersAndCannotSeeTheController() throws IOException {
        Path plugins = installedAs("conflicting");
        assertThat(Trees.names(plugins)).contains("conflicting-storage-1.0.0.jar", "jackson-core-2.12.7.jar",
                "slf4j-api-1.7.36.jar");
        Path store = root.resolve("store");
        Map<String, String> env = app.env(root.resolve("backup"));
        env.put("BACKUP_TARGET", "local,conflicting");
        env.put("CONFLICTING_PATH", store.toString());
        String dumped = SampleData.fingerprint(app.cluster());

        Exec.Result dump = Launcher.run(root.resolve("plugins"), env, "dump", "app");

        assertThat(dump.exitCode()).as(dump.stdout() + dump.stderr()).isZero();
        assertThat(dump.stdout()).contains("stored in local, conflicting");
        Properties seen = new Properties();
        seen.load(new StringReader(Files.readString(store.resolve("plugin-environment.properties"))));
        assertThat(seen).containsEntry("jackson.version", "2.12.7").containsEntry("jackson.loader", "plugin-conflicting")
                .containsEntry("slf4j.version", "1.7.36").containsEntry("slf4j.loader", "plugin-conflicting")
                .containsEntry("spi.visible", "true").containsEntry("controller.visible", "false")
                .containsEntry("tinylog.visible", "false");
        String archive = dump.stdout().split(" ")[1];
        // The same run: the plugin journalled each object with its Jackson, the controller
        // wrote each manifest with its own.
        List<String> journal = Files.readAllLines(store.resolve("journal.jsonl"));
        assertThat(journal).contains("{\"service\":\"app\",\"name\":\"" + archive + "\",\"jackson\":\"2.12.7\"}",
                "{\"service\":\"app\",\"name\":\"" + archive + ".manifest.json\",\"jackson\":\"2.12.7\"}");
        assertThat(controllersVersionOf("com.fasterxml.jackson.core", "jackson-core")).isEqualTo("2.18.2");
        assertThat(store.resolve("app").resolve(archive + ".manifest.json")).content()
                .contains("\"sha256\" : \"" + Sha256Sum.of(store.resolve("app").resolve(archive)) + "\"");

        SampleData.damage(app.cluster());
        env.put("BACKUP_TARGET", "conflicting");
        Exec.Result restore = Launcher.run(root.resolve("plugins"), env, "restore", "app", archive);
        assertThat(restore.exitCode()).as(restore.stdout() + restore.stderr()).isZero();
        assertThat(SampleData.fingerprint(app.cluster())).isEqualTo(dumped);
    }

    @Test
    void aPluginThatBundlesTheSpiIsRefusedAndNamed() throws IOException {
        Path plugins = installedAs("bundles-spi");
        Path spi = Path.of(System.getProperty("spi.jar", "missing"));
        Files.copy(spi, plugins.resolve("backup-spi.jar"));
        Map<String, String> env = app.env(root.resolve("backup"));
        env.put("BACKUP_TARGET", "conflicting");
        env.put("CONFLICTING_PATH", root.resolve("store").toString());

        Exec.Result dump = Launcher.run(root.resolve("plugins"), env, "dump", "app");

        assertThat(dump.exitCode()).isEqualTo(2);
        assertThat(dump.stderr()).contains("Skipping plugin 'bundles-spi' in " + root.resolve("plugins")
                + ": it bundles the controller's SPI (org.pgbackup.spi)")
                .contains("Unknown destination 'conflicting' in BACKUP_TARGET");
        assertThat(root.resolve("store")).doesNotExist();
    }
}
