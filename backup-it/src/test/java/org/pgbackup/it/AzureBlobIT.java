package org.pgbackup.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.pgbackup.storage.azure.AzuriteServer;

/**
 * The Azure Blob plugin as an operator installs it: its directory (the Azure SDK with its own
 * Jackson, Netty and Reactor) copied into the plugins directory and loaded through its own
 * class loader by the launcher the image runs, against Azurite: dump to the volume and the
 * container at once, list, verify and restore from the container alone.
 */
class AzureBlobIT {
    @RegisterExtension
    static ClusterExtension app = new ClusterExtension("app", "sam", "sam-pw", "app", 300);

    @TempDir
    static Path work;
    static AzuriteServer azurite;

    @TempDir
    Path root;

    @BeforeAll
    static void startServer() {
        azurite = AzuriteServer.start(work);
        azurite.container("backups");
    }

    @AfterAll
    static void stopServer() {
        azurite.close();
    }

    @Test
    void theAzurePluginStoresBesideTheVolumeAndRestoresFromTheContainerAlone() throws IOException {
        Path plugin = Plugins.install("azure.plugin.dir", root.resolve("plugins"), "azure-blob");
        assertThat(Trees.names(plugin)).anySatisfy(n -> assertThat(n).startsWith("jackson-databind-"))
                .anySatisfy(n -> assertThat(n).startsWith("netty-"));
        Map<String, String> env = app.env(root.resolve("backup"));
        env.put("BACKUP_TARGET", "local,azure-blob");
        env.putAll(azurite.environment("backups", "prod"));
        String dumped = SampleData.fingerprint(app.cluster());

        Exec.Result dump = Launcher.run(root.resolve("plugins"), env, "dump", "app");

        assertThat(dump.exitCode()).as(dump.stdout() + dump.stderr()).isZero();
        assertThat(dump.stdout()).contains("stored in local, azure-blob");
        assertThat(dump.stdout() + dump.stderr()).doesNotContain(AzuriteServer.KEY).doesNotContain("SLF4J");
        String archive = dump.stdout().split(" ")[1];

        env.put("BACKUP_TARGET", "azure-blob");
        Exec.Result list = Launcher.run(root.resolve("plugins"), env, "list", "app");
        assertThat(list.stdout().strip()).isEqualTo(archive);
        Exec.Result verify = Launcher.run(root.resolve("plugins"), env, "verify", "app", archive);
        assertThat(verify.exitCode()).as(verify.stdout() + verify.stderr()).isZero();
        assertThat(verify.stdout()).contains(": ok (sha256 "
                + Sha256Sum.of(root.resolve("backup/data/app").resolve(archive)));

        SampleData.damage(app.cluster());
        Exec.Result restore = Launcher.run(root.resolve("plugins"), env, "restore", "app", archive);
        assertThat(restore.exitCode()).as(restore.stdout() + restore.stderr()).isZero();
        assertThat(restore.stdout() + restore.stderr()).contains("from azure-blob");
        assertThat(SampleData.fingerprint(app.cluster())).isEqualTo(dumped);
    }
}
