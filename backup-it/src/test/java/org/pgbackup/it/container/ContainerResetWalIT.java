package org.pgbackup.it.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code resetwal} as the specification mounts it: a stopped PostgreSQL container's data
 * volume at {@code /var/lib/postgresql/databases/<service>} in the controller.
 */
@ExtendWith(ContainerEngine.class)
class ContainerResetWalIT {
    @RegisterExtension
    static final Lab lab = new Lab();

    @Test
    void resetwalOnAStoppedServersVolumeThenTheServerStartsWithItsDataAndTheSaveOutlivesTheController()
            throws IOException, InterruptedException {
        String pgdata = lab.volume("wal-pgdata");
        String backup = lab.volume("wal-backup");
        Pg wal = lab.postgres("wal-db", "walu", "wal-secret", "wal", pgdata);
        wal.fill(500);
        String before = wal.fingerprint();
        String id = wal.container().getContainerId();
        Steps.say("docker stop " + id);
        lab.client().stopContainerCmd(id).withTimeout(60).exec();

        Map<String, String> env = new HashMap<>(Map.of("DATABASE_LIST", "wal-db", "MODE", "production",
                "BACKUP_SCHEDULE", "0 0 1 1 *"));
        env.putAll(wal.env("wal-db"));
        Map<String, String> mounts = Map.of(pgdata, "/var/lib/postgresql/databases/wal-db", backup,
                "/var/lib/postgresql/backup/data/wal-db");
        Controller resetter = lab.controller("resetter", env, mounts, c -> { });
        Controller.Run reset = resetter.run("resetwal", "wal-db", "--yes");
        assertThat(reset.exitCode()).as(reset.toString()).isZero();
        assertThat(reset.stdout()).contains("Write-ahead log reset");
        resetter.close();

        Steps.say("docker start " + id);
        lab.client().startContainerCmd(id).exec();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (wal.container().execInContainer("pg_isready", "-U", "walu", "-d", "wal").getExitCode() != 0) {
            assertThat(Instant.now()).as("the server to accept connections again").isBefore(deadline);
            Thread.sleep(500);
        }
        assertThat(wal.fingerprint()).isEqualTo(before);

        try (Controller later = lab.controller("later", env, Map.of(backup, "/var/lib/postgresql/backup/data/wal-db"),
                c -> { })) {
            Controller.Run saves = later.exec("sh", "-c",
                    "ls /var/lib/postgresql/backup/data/wal-db/.pgbackup/resetwal/*/global");
            assertThat(saves.exitCode()).as(saves.toString()).isZero();
            assertThat(saves.stdout()).as("the save of the removed controller").contains("pg_control");
        }
    }
}
