package org.pgbackup.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code resetwal} on a real data directory: it works when stopped, and refuses while running. */
class ResetWalIT {
    static ControllerProcess controller = ControllerProcess.fromSystemProperty();

    @RegisterExtension
    ClusterExtension wal = new ClusterExtension("wal-db", "frank", "frank-pw", "wal", 200);
    PgCluster cluster;

    @TempDir
    Path root;

    @BeforeEach
    void cluster() {
        cluster = wal.cluster();
    }

    private Map<String, String> env() {
        return wal.env(root);
    }

    @Test
    void resetsAStoppedClusterOnlyWhenConfirmedSavingControlDataAndTheClusterThenStartsAndDumps()
            throws IOException {
        String before = SampleData.fingerprint(cluster);
        cluster.stop();

        Path control = cluster.dataDirectory().resolve("global/pg_control");
        byte[] controlBefore = Files.readAllBytes(control);

        ControllerProcess.Run refused = controller.run(env(), "resetwal", "wal-db");

        assertThat(refused.exitCode()).as("no --yes and no terminal: " + refused).isEqualTo(2);
        assertThat(refused.stdout()).contains("pg_resetwal --dry-run says:").contains("WARNING");
        assertThat(refused.errorLines()).singleElement().asString().contains("was not confirmed; nothing was changed");
        assertThat(Files.readAllBytes(control)).isEqualTo(controlBefore);
        assertThat(root.resolve("data/wal-db/.pgbackup/resetwal")).doesNotExist();

        ControllerProcess.Run run = controller.run(env(), "resetwal", "wal-db", "--yes");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.stdout()).contains("pg_resetwal --dry-run says:").contains("Write-ahead log reset");
        assertThat(Files.readAllBytes(control)).isNotEqualTo(controlBefore);
        Path saved;
        try (var saves = Files.list(root.resolve("data/wal-db/.pgbackup/resetwal"))) {
            saved = saves.findFirst().orElseThrow();
        }
        assertThat(run.stdout()).contains("saved the control data and WAL to " + saved);
        assertThat(saved.resolve("global/pg_control")).hasBinaryContent(controlBefore);
        assertThat(saved.resolve("pg_wal")).isDirectory();
        assertThat(saved.resolve("pg_xact")).isDirectory();
        assertThat(saved.resolve("pg_multixact")).isDirectory();
        cluster.start();
        assertThat(SampleData.fingerprint(cluster)).isEqualTo(before);
        ControllerProcess.Run dump = controller.run(env(), "dump", "wal-db");
        assertThat(dump.exitCode()).as(dump.toString()).isZero();
    }

    @Test
    void refusesWhileTheServerRunsAndChangesNothing() throws IOException {
        Path control = cluster.dataDirectory().resolve("global/pg_control");
        byte[] controlBefore = Files.readAllBytes(control);

        ControllerProcess.Run run = controller.run(env(), "resetwal", "wal-db", "--yes");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.errorLines()).singleElement().satisfies(line -> assertThat(line)
                .contains("The server of service 'wal-db' is running: it answers at 127.0.0.1:"));
        assertThat(Files.readAllBytes(control)).isEqualTo(controlBefore);
        assertThat(cluster.psql("SELECT 1")).isEqualTo("1");
    }

    @Test
    void aStalePidFileNeedsForceAndIsSavedAndMovedAside() throws IOException {
        cluster.stop();
        Path pid = cluster.dataDirectory().resolve("postmaster.pid");
        // A crash leaves the pid file of a process that is gone.
        Files.writeString(pid, "999999\n" + cluster.dataDirectory() + "\n");

        ControllerProcess.Run refused = controller.run(env(), "resetwal", "wal-db", "--yes");

        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(1);
        assertThat(refused.errorLines()).singleElement().asString().contains("did not shut down cleanly")
                .contains("add --force");
        assertThat(pid).exists();

        ControllerProcess.Run run = controller.run(env(), "resetwal", "wal-db", "--yes", "--force");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(pid).doesNotExist();
        try (var saves = Files.list(root.resolve("data/wal-db/.pgbackup/resetwal"))) {
            assertThat(saves.findFirst().orElseThrow().resolve("postmaster.pid")).content().startsWith("999999");
        }
        cluster.start();
        assertThat(cluster.psql("SELECT 1")).isEqualTo("1");
    }

    @Test
    void aDirectoryThatIsNoDataDirectoryIsNamed() {
        Map<String, String> env = env();
        env.put("WAL_DB_PGDATA", root.toString());

        ControllerProcess.Run run = controller.run(env, "resetwal", "wal-db", "--yes");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.errorLines()).singleElement().satisfies(line -> assertThat(line)
                .contains(root + " is not a PostgreSQL data directory").contains("WAL_DB_PGDATA"));
    }
}
