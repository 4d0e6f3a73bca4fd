package org.pgbackup.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real PostgreSQL servers of majors 12 to 17 (zonky's bundles beside the machine's 15),
 * against the machine's client programs (15): servers it can dump round-trip with
 * identical data, an archive of a 12 server restores into a 15 server, and newer servers
 * are refused before anything is stored, with both versions and the fix in the message.
 * Each test's name says the major it proves.
 */
class ServerMatrixIT {
    private static final int CLIENT_MAJOR = Integer.parseInt(PgCluster.serverBinaries().getParent().getFileName()
            .toString());
    static ControllerProcess controller = ControllerProcess.fromSystemProperty();

    @TempDir
    Path root;

    private static PgCluster server(int major) {
        return PgCluster.start(major == CLIENT_MAJOR ? PgCluster.serverBinaries() : PgBundles.serverBinaries(major),
                "pete", "pete-pw", "app");
    }

    private Map<String, String> env(PgCluster cluster) {
        Map<String, String> env = new HashMap<>(cluster.serviceEnvironment("app"));
        env.put("DATABASE_LIST", "app");
        env.put("BACKUP_ROOT", root.toString());
        return env;
    }

    private List<String> stored() throws IOException {
        Path dir = root.resolve("data/app");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> !n.equals(".pgbackup")).toList();
        }
    }

    @ParameterizedTest(name = "PostgreSQL {0}: dump, list, verify and restore round-trip")
    @ValueSource(ints = {12, 13, 14, 15})
    void serversTheClientsCanDumpRoundTripWithIdenticalData(int major) {
        try (PgCluster cluster = server(major)) {
            assertThat(cluster.psql("SELECT current_setting('server_version_num')::int / 10000")).isEqualTo(
                    Integer.toString(major));
            SampleData.fill(cluster, 200);
            String before = SampleData.fingerprint(cluster);
            Map<String, String> env = env(cluster);

            controller.ok(env, "dump", "app");
            String archive = controller.ok(env, "list", "app").stdout().strip();
            assertThat(controller.ok(env, "verify", "app").stdout()).contains("ok");
            SampleData.damage(cluster);
            controller.ok(env, "restore", "app", archive);

            assertThat(SampleData.fingerprint(cluster)).isEqualTo(before);
            System.out.println("== Server matrix: PostgreSQL " + major + " proved (dump, list, verify, restore)");
        }
    }

    @Test
    void anArchiveOfA12ServerRestoresIntoA15Server() {
        try (PgCluster old = server(12); PgCluster upgraded = server(CLIENT_MAJOR)) {
            SampleData.fill(old, 200);
            String before = SampleData.fingerprint(old);
            controller.ok(env(old), "dump", "app");
            String archive = controller.ok(env(old), "list", "app").stdout().strip();

            controller.ok(env(upgraded), "restore", "app", archive);

            assertThat(SampleData.fingerprint(upgraded)).isEqualTo(before);
            System.out.println("== Server matrix: an archive of PostgreSQL 12 restored into PostgreSQL "
                    + CLIENT_MAJOR);
        }
    }

    @ParameterizedTest(name = "PostgreSQL {0}: refused by older client programs, nothing stored")
    @ValueSource(ints = {16, 17})
    void newerServersAreRefusedBeforeAnythingIsStored(int major) throws IOException {
        try (PgCluster cluster = server(major)) {
            ControllerProcess.Run dump = controller.run(env(cluster), "dump", "app");

            assertThat(dump.exitCode()).as(dump.toString()).isEqualTo(1);
            assertThat(dump.errorLines()).anySatisfy(line -> assertThat(line).contains("The server runs PostgreSQL "
                    + major + ".").contains("found is version " + CLIENT_MAJOR + ".").contains("PG_BIN_DIR")
                    .contains("postgres:" + major));
            assertThat(stored()).isEmpty();
            System.out.println("== Server matrix: PostgreSQL " + major + " refused by pg_dump " + CLIENT_MAJOR
                    + ", nothing stored");
        }
    }

    @Test
    void resetwalRefusesADataDirectoryOfAnotherMajorNamingBoth() throws IOException {
        try (PgCluster cluster = server(12)) {
            cluster.stop();
            byte[] control = Files.readAllBytes(cluster.dataDirectory().resolve("global/pg_control"));

            ControllerProcess.Run reset = controller.run(env(cluster), "resetwal", "app", "--yes");

            assertThat(reset.exitCode()).as(reset.toString()).isEqualTo(1);
            assertThat(reset.errorLines()).singleElement().asString().contains("The data directory is PostgreSQL 12"
                    + " and needs the pg_resetwal of that version, but only " + CLIENT_MAJOR + ".");
            assertThat(Files.readAllBytes(cluster.dataDirectory().resolve("global/pg_control"))).isEqualTo(control);
            assertThat(root.resolve("data/app/.pgbackup/resetwal")).doesNotExist();
        }
    }
}
