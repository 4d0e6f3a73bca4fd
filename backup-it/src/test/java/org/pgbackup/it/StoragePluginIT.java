package org.pgbackup.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example third-party plugin (examples/storage-plugin), built on its own against the
 * installed core and testkit (maven-invoker-plugin, before this test), dropped into the
 * plugins directory: {@code BACKUP_TARGET=flat-dir} dumps, lists, verifies and restores
 * through it with the launcher the image runs.
 */
class StoragePluginIT {
    @RegisterExtension
    static ClusterExtension app = new ClusterExtension("app", "paula", "paula-pw", "app", 300);

    @TempDir
    Path root;

    private static Path pluginJar() {
        Path jar = Path.of(System.getProperty("example.plugin.jar", "missing"));
        assertThat(jar).as("the example plugin's jar, built by maven-invoker-plugin in pre-integration-test")
                .isRegularFile();
        return jar;
    }

    @Test
    void aPluginJarInThePluginsDirectoryIsADestination() throws IOException {
        Map<String, String> env = app.env(root.resolve("backup"));
        env.put("BACKUP_TARGET", "flat-dir");
        env.put("FLAT_DIR_PATH", root.resolve("flat").toString());
        Path plugins = Files.createDirectories(root.resolve("plugins"));

        Exec.Result without = Launcher.run(plugins, env, "dump", "app");
        assertThat(without.exitCode()).as(without.stderr()).isEqualTo(2);
        assertThat(without.stderr()).contains("Unknown destination 'flat-dir' in BACKUP_TARGET");

        Files.copy(pluginJar(), plugins.resolve("flat-dir-storage.jar"));
        String dumped = SampleData.fingerprint(app.cluster());
        Exec.Result dump = Launcher.run(plugins, env, "dump", "app");
        assertThat(dump.exitCode()).as(dump.stdout() + dump.stderr()).isZero();
        assertThat(dump.stdout()).contains("stored in flat-dir");
        String archive;
        try (Stream<Path> files = Files.list(root.resolve("flat"))) {
            // The plugin's layout: <service>=<name>, each URL-encoded.
            archive = files.map(p -> URLDecoder.decode(p.getFileName().toString(), StandardCharsets.UTF_8))
                    .filter(n -> n.matches("app=file_.*\\.dump\\.zst")).findFirst().orElseThrow()
                    .substring("app=".length());
        }
        assertThat(root.resolve("flat").resolve("app=" + URLEncoder.encode(archive + ".manifest.json",
                StandardCharsets.UTF_8))).isRegularFile();

        Exec.Result list = Launcher.run(plugins, env, "list", "app");
        assertThat(list.stdout()).contains(archive);
        Exec.Result verify = Launcher.run(plugins, env, "verify", "app", archive);
        assertThat(verify.exitCode()).as(verify.stdout() + verify.stderr()).isZero();
        assertThat(verify.stdout()).contains(": ok (sha256 "
                + Sha256Sum.of(root.resolve("flat").resolve("app=" + URLEncoder.encode(archive, StandardCharsets.UTF_8))));

        SampleData.damage(app.cluster());
        assertThat(SampleData.fingerprint(app.cluster())).isNotEqualTo(dumped);
        Exec.Result restore = Launcher.run(plugins, env, "restore", "app", archive);
        assertThat(restore.exitCode()).as(restore.stdout() + restore.stderr()).isZero();
        assertThat(SampleData.fingerprint(app.cluster())).isEqualTo(dumped);
    }
}
