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
    void resetsAStoppedClusterWhichThenStartsWithItsData() {
        String before = SampleData.fingerprint(cluster);
        cluster.stop();

        ControllerProcess.Run run = controller.run(env(), "resetwal", "wal-db");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.stdout()).contains("Write-ahead log reset");
        cluster.start();
        assertThat(SampleData.fingerprint(cluster)).isEqualTo(before);
        ControllerProcess.Run dump = controller.run(env(), "dump", "wal-db");
        assertThat(dump.exitCode()).as(dump.toString()).isZero();
    }

    @Test
    void refusesWhileTheServerRunsAndChangesNothing() throws IOException {
        Path control = cluster.dataDirectory().resolve("global/pg_control");
        byte[] controlBefore = Files.readAllBytes(control);

        ControllerProcess.Run run = controller.run(env(), "resetwal", "wal-db");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.errorLines()).singleElement().satisfies(line -> assertThat(line)
                .contains("The server of service 'wal-db' is running").contains("postmaster.pid"));
        assertThat(Files.readAllBytes(control)).isEqualTo(controlBefore);
        assertThat(cluster.psql("SELECT 1")).isEqualTo("1");
    }

    @Test
    void aDirectoryThatIsNoDataDirectoryIsNamed() {
        Map<String, String> env = env();
        env.put("WAL_DB_PGDATA", root.toString());

        ControllerProcess.Run run = controller.run(env, "resetwal", "wal-db");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.errorLines()).singleElement().satisfies(line -> assertThat(line)
                .contains(root + " is not a PostgreSQL data directory").contains("WAL_DB_PGDATA"));
    }
}
