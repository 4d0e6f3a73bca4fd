package org.pgbackup.it.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.pgbackup.it.Waiting;
import org.testcontainers.containers.ExecConfig;
import org.testcontainers.containers.GenericContainer;

/**
 * Point-in-time recovery as containers run it: a PostgreSQL 17 container, a controller
 * container streaming its WAL to its volume and to an S3 container; then {@code restore-pitr}
 * from the bucket into a new volume, and a new PostgreSQL container started on that volume
 * holds the rows committed up to T, with no controller beside it.
 */
@ExtendWith(ContainerEngine.class)
class ContainerPitrIT {
    private static final Duration BOUND = Duration.ofMinutes(3);
    private static final String SERVICE = "pitr-db";
    private static final String ROWS = "SELECT count(*) || ' ' || md5(string_agg(id || '|' || at, ',' ORDER BY id))"
            + " FROM ticks";

    @RegisterExtension
    static final Lab lab = new Lab();

    @Test
    void aControllerContainerStreamsAndANewServerOnTheRestoredVolumeHoldsTheRowsUpToT(@TempDir Path dir)
            throws Exception {
        Path certs = ContainerS3IT.certificates(dir);
        GenericContainer<?> s3 = ContainerS3IT.s3Server(lab, certs);
        try {
            Pg source = lab.postgres(SERVICE, "shop", "shop-secret", "shop", null);
            // The image's pg_hba.conf admits every database but not replication, which needs a line of its own.
            Steps.say("docker exec " + SERVICE + " sh -c 'echo host replication all all scram-sha-256 >>"
                    + " $PGDATA/pg_hba.conf'");
            assertThat(source.container().execInContainer("sh", "-c",
                    "echo 'host replication all all scram-sha-256' >> \"$PGDATA/pg_hba.conf\"").getExitCode()).isZero();
            source.sql("SELECT pg_reload_conf()");
            source.sql("CREATE TABLE ticks (id int PRIMARY KEY, at timestamptz NOT NULL DEFAULT clock_timestamp())");

            Map<String, String> env = ContainerS3IT.scheduledToLocalAndS3("0 0 1 1 *", "pitr");
            env.put("DATABASE_LIST", SERVICE);
            env.putAll(source.env(SERVICE));
            Map<String, String> streaming = new HashMap<>(env);
            streaming.put("PITR_DB_PITR", "true");
            streaming.put("WAL_PARTIAL_SECONDS", "1");
            Map<String, String> mounts = Map.of(certs.toString(), "/certs", lab.volume("pitr-backup"),
                    "/var/lib/postgresql/backup/data/" + SERVICE);
            String target;
            String expected;
            try (Controller streamer = lab.controller("streamer", streaming, mounts, c -> { })) {
                Waiting.until("the first base backup", BOUND, () -> streamer.logs().contains(SERVICE
                        + ": base backup base_"), streamer::logs);
                source.sql("INSERT INTO ticks (id) SELECT g FROM generate_series(1, 500) AS g");
                source.sql("SELECT pg_sleep(0.3)");
                target = source.sql("SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC',"
                        + " 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')");
                source.sql("SELECT pg_sleep(0.3)");
                source.sql("INSERT INTO ticks (id) SELECT g FROM generate_series(501, 800) AS g");
                expected = source.sql(ROWS + " WHERE at <= '" + target + "'");
                assertThat(expected).startsWith("500 ");
                String segment = source.sql("SELECT pg_walfile_name(pg_switch_wal())");
                Waiting.until(segment + " in the bucket and on the volume", BOUND, () -> streamer.exec("test", "-f",
                        "/var/lib/postgresql/backup/data/" + SERVICE + "/wal.archive/" + segment + ".sha256")
                        .exitCode() == 0, streamer::logs);
                assertThat(streamer.logs()).contains(SERVICE + ": streaming WAL from " + SERVICE + ":5432 (PostgreSQL 17");
            }

            // A controller with no volume of the stream's: it restores from the bucket, into a new volume.
            String restored = lab.volume("pitr-restored");
            Map<String, String> restoring = Map.of(certs.toString(), "/certs", restored,
                    "/var/lib/postgresql/databases/" + SERVICE);
            try (Controller restorer = lab.controller("restorer", env, restoring, c -> { })) {
                // A new volume's root is root's: the controller runs as postgres.
                assertThat(restorer.container().execInContainer(ExecConfig.builder().user("root").command(new String[] {
                        "chown", "postgres:postgres", "/var/lib/postgresql/databases/" + SERVICE}).build())
                        .getExitCode()).isZero();
                Controller.Run restore = restorer.run("restore-pitr", SERVICE, "--to", target).ok();
                assertThat(restore.stdout()).contains(" from s3 into /var/lib/postgresql/databases/" + SERVICE)
                        .contains("next, start PostgreSQL on /var/lib/postgresql/databases/" + SERVICE);
            }
            Pg recovered = lab.postgresOn("pitr-recovered", "shop", "shop-secret", "shop", restored);
            assertThat(recovered.sql(ROWS)).isEqualTo(expected);
            assertThat(recovered.sql("SELECT pg_is_in_recovery()")).isEqualTo("f");
        } finally {
            lab.remove(s3);
        }
    }
}
