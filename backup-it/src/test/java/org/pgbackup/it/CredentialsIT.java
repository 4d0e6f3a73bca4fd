package org.pgbackup.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Passwords reach the server and nothing else: not argv, not logs, not messages. */
class CredentialsIT {
    static final String PASSWORD = "Sup3r-Secret-Pa55 with spaces";

    @RegisterExtension
    static ClusterExtension ledger = new ClusterExtension("ledger", "dave", PASSWORD, "ledger", 500);
    static ControllerProcess controller = ControllerProcess.fromSystemProperty();

    @TempDir
    Path root;

    private Map<String, String> env() {
        return ledger.env(root);
    }

    @Test
    void wrongPasswordFailsNamingServiceAndHostWithoutThePassword() {
        Map<String, String> env = env();
        env.put("LEDGER_POSTGRES_PASSWORD", "wrong-Secret-4711");

        ControllerProcess.Run run = controller.run(env, "dump", "ledger");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.errorLines()).singleElement().satisfies(line -> assertThat(line)
                .contains("service 'ledger'").contains(ledger.cluster().host() + ":" + ledger.cluster().port())
                .contains("password authentication failed"));
        assertThat(run.output()).doesNotContain("wrong-Secret-4711").doesNotContain(PASSWORD);
        assertThat(Trees.snapshot(root).keySet()).noneMatch(Trees::isArchive);
    }

    /**
     * Every PostgreSQL program the controller starts is a wrapper that records its argument
     * list, then runs the real program, so the test sees exactly what {@code ps} would.
     */
    @Test
    void noPasswordInAnyChildsArgumentsOrInAnyOutputAtDebugLevel(@TempDir Path bin) throws IOException {
        Path argvLog = PgWrappers.create(bin, Map.of());
        Map<String, String> env = env();
        env.put("PG_BIN_DIR", bin.toString());
        env.put("LOG_LEVEL", "debug");
        List<ControllerProcess.Run> runs = new ArrayList<>();

        runs.add(controller.run(env, "dump", "ledger", "--shared"));
        String archive = runs.get(0).stdout().split(" ")[1];
        runs.add(controller.run(env, "list", "--long", "ledger"));
        runs.add(controller.run(env, "restore", "ledger", archive));
        runs.add(controller.run(env, "restore-from-shared", "ledger"));

        assertThat(runs).allSatisfy(run -> assertThat(run.exitCode()).as(run.toString()).isZero());
        String argv = Files.readString(argvLog);
        assertThat(argv).contains(bin.resolve("pg_dump").toString()).contains(bin.resolve("pg_restore").toString())
                .contains(bin.resolve("psql").toString()).contains(bin.resolve("pg_dumpall").toString())
                .contains("--username=dave").doesNotContain(PASSWORD)
                .doesNotContain("Sup3r");
        assertThat(runs).allSatisfy(run -> assertThat(run.output()).doesNotContain(PASSWORD).doesNotContain("Sup3r"));
        assertThat(runs.get(0).stderr()).as("debug log shows the commands run").contains("Running ")
                .contains("(with [");
        assertThat(runs.get(0).stderr()).as("debug log shows the configuration, masked")
                .contains("Using configuration").contains("LEDGER_POSTGRES_PASSWORD=****").contains("LEDGER_POSTGRES_USER=dave");
    }
}
