package org.pgbackup.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.pgbackup.storage.sftp.SftpTestServer;

/**
 * The SFTP plugin as an operator installs it: its directory (backup-storage-sftp/target/plugin/sftp)
 * copied into the plugins directory, loaded through its own class loader by the launcher the
 * image runs, against a real SSH server: dump, list, verify and restore.
 */
class SftpIT {
    @RegisterExtension
    static ClusterExtension app = new ClusterExtension("app", "rita", "rita-pw", "app", 300);

    @TempDir
    static Path work;
    static SftpTestServer server;

    @TempDir
    Path root;

    @BeforeAll
    static void startServer() {
        server = SftpTestServer.start(work);
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    private Path installPlugin() throws IOException {
        Plugins.install("sftp.plugin.dir", root.resolve("plugins"), "sftp");
        return root.resolve("plugins");
    }

    @Test
    void theSftpPluginDumpsListsVerifiesAndRestoresThroughTheLauncher() throws IOException {
        Path plugins = installPlugin();
        Map<String, String> env = app.env(root.resolve("backup"));
        env.put("BACKUP_TARGET", "sftp");
        env.putAll(server.environment("/srv/backups", "SFTP_PRIVATE_KEY_FILE", "", "SFTP_PASSWORD",
                SftpTestServer.PASSWORD));
        String dumped = SampleData.fingerprint(app.cluster());

        Exec.Result dump = Launcher.run(plugins, env, "dump", "app");

        assertThat(dump.exitCode()).as(dump.stdout() + dump.stderr()).isZero();
        assertThat(dump.stdout()).contains("stored in sftp");
        assertThat(dump.stdout() + dump.stderr()).doesNotContain(SftpTestServer.PASSWORD).doesNotContain("SLF4J");
        String archive = dump.stdout().split(" ")[1];
        Path stored = server.root().resolve("srv/backups/app").resolve(archive);
        assertThat(stored.resolveSibling(archive + ".manifest.json")).content()
                .contains("\"sha256\" : \"" + Sha256Sum.of(stored) + "\"");

        Exec.Result list = Launcher.run(plugins, env, "list", "app");
        assertThat(list.stdout().strip()).isEqualTo(archive);
        Exec.Result verify = Launcher.run(plugins, env, "verify", "app", archive);
        assertThat(verify.exitCode()).as(verify.stdout() + verify.stderr()).isZero();
        assertThat(verify.stdout()).contains(": ok (sha256 " + Sha256Sum.of(stored));

        SampleData.damage(app.cluster());
        Exec.Result restore = Launcher.run(plugins, env, "restore", "app", archive);
        assertThat(restore.exitCode()).as(restore.stdout() + restore.stderr()).isZero();
        assertThat(SampleData.fingerprint(app.cluster())).isEqualTo(dumped);
    }

    @Test
    void aServerKeyMissingFromKnownHostsIsRefusedAndTheLocalArchiveStays() throws IOException {
        Path plugins = installPlugin();
        Map<String, String> env = app.env(root.resolve("backup"));
        env.put("BACKUP_TARGET", "local,sftp");
        env.putAll(server.environment("/elsewhere", "SFTP_KNOWN_HOSTS",
                Files.writeString(root.resolve("known_hosts"), "").toString()));

        Exec.Result dump = Launcher.run(plugins, env, "dump", "app");

        assertThat(dump.exitCode()).isEqualTo(1);
        assertThat(dump.stderr()).contains("destination sftp failed");
        assertThat(server.root().resolve("elsewhere")).doesNotExist();
        assertThat(Trees.names(root.resolve("backup/data/app"))).anySatisfy(n -> assertThat(n).endsWith(".dump.zst"));
    }
}
