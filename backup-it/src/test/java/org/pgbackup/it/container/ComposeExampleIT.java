package org.pgbackup.it.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.pgbackup.it.Waiting;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * compose.example.yaml run as a user runs it, with docker-compose through the engine's
 * socket: the steps of the README's "The container", on the images named by the
 * variables the file reads.
 */
@ExtendWith(ContainerEngine.class)
class ComposeExampleIT {
    static final Path ROOT = Path.of(System.getProperty("repository.root", ".")).toAbsolutePath().normalize();

    private final String project = "pgbackup-it-" + UUID.randomUUID().toString().substring(0, 8);

    private EngineCli.Result compose(String... args) {
        List<String> command = new ArrayList<>(List.of("docker-compose", "-f", "compose.example.yaml", "-p", project));
        command.addAll(List.of(args));
        Map<String, String> env = new HashMap<>(Map.of("POSTGRES_IMAGE", ContainerEngine.POSTGRES_IMAGE,
                "CONTROLLER_IMAGE", ContainerEngine.CONTROLLER_IMAGE));
        return EngineCli.run(ROOT, env, command);
    }

    private String ok(String... args) {
        EngineCli.Result run = compose(args);
        assertThat(run.exitCode()).as(run.toString()).isZero();
        return run.stdout();
    }

    private String sql(String service, String user, String sql) {
        return ok("exec", "-T", service, "psql", "-v", "ON_ERROR_STOP=1", "-U", user, "-d", user, "-tAc", sql).strip();
    }

    @Test
    void theComposeExampleUpDumpListRestoreDown() throws InterruptedException {
        assertThat(EngineCli.onPath("docker-compose")).as("docker-compose on PATH").isTrue();
        try {
            ok("up", "-d", "--no-build");
            for (String db : List.of("users-db", "orders-db")) {
                Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
                while (compose("exec", "-T", db, "pg_isready", "-U", db.replace("-db", "")).exitCode() != 0) {
                    assertThat(Instant.now()).as(db + " to accept connections").isBefore(deadline);
                    Thread.sleep(500);
                }
            }
            sql("users-db", "users", "CREATE TABLE accounts AS SELECT g AS id, md5(g::text) AS name"
                    + " FROM generate_series(1, 2000) g");
            String fingerprint = "SELECT count(*) || ' ' || md5(string_agg(name, ',' ORDER BY id)) FROM accounts";
            String before = sql("users-db", "users", fingerprint);

            ok("exec", "-T", "controller", "/controller", "dump", "--all");
            String list = ok("exec", "-T", "controller", "/controller", "list", "users-db");
            String archive = list.lines().map(String::strip).filter(l -> l.startsWith("file_")).findFirst()
                    .orElseThrow(() -> new AssertionError("no archive listed: " + list));
            assertThat(ok("exec", "-T", "controller", "/controller", "list", "orders-db")).contains("file_");

            // orders-db streams its WAL: its first base backup opens a window.
            Waiting.until("a point-in-time window for orders-db", Duration.ofSeconds(120), () -> compose("exec", "-T",
                    "controller", "/controller", "list", "--pitr", "orders-db").stdout()
                    .contains("orders-db: local: window from "), () -> compose("logs", "controller").toString());

            sql("users-db", "users", "DELETE FROM accounts WHERE id > 10");
            ok("exec", "-T", "controller", "/controller", "restore", "users-db", archive.split("\\s+")[0]);
            assertThat(sql("users-db", "users", fingerprint)).isEqualTo(before);
        } finally {
            EngineCli.Result down = compose("down", "-v");
            assertThat(down.exitCode()).as(down.toString()).isZero();
        }
    }
}
