package org.pgbackup.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.pgbackup.manifest.Manifest;
import org.pgbackup.naming.DatabaseDirectory;

/**
 * Whole-server services ({@code APP_POSTGRES_DB=*}) through the shaded jar against a real
 * server: every database in a directory of its own, odd names included, the roles once,
 * restores of one database or of a whole run into databases that are gone, shared copies,
 * and the faults: a database the role may not connect to, one dropped during the run, one
 * gone from the server, an exclusion that matches nothing.
 */
class WholeServerIT {
    /** Names that need escaping: a space, quotes, Unicode, a dot pair, a slash and a percent sign. */
    private static final List<String> ODD = List.of("my db \"q\" café", "..", "a/b", "a%2Fb");

    @RegisterExtension
    ClusterExtension app = new ClusterExtension("app", "pete", "pete-pw", "app", 200);
    static ControllerProcess controller = ControllerProcess.fromSystemProperty();

    @TempDir
    Path root;

    private Map<String, String> env() {
        Map<String, String> env = app.env(root);
        env.put("APP_POSTGRES_DB", "*");
        return env;
    }

    private static String quote(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    private String psql(String database, String sql) {
        return app.cluster().psql(database, sql);
    }

    private void createMarked(String database) {
        psql("postgres", "CREATE DATABASE " + quote(database));
        psql(database, "CREATE TABLE marker (name text); INSERT INTO marker VALUES ('" + database.replace("'", "''")
                + "')");
    }

    private Path directoryOf(String database) {
        return root.resolve("data/app").resolve(DatabaseDirectory.of(database));
    }

    private static List<String> archives(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.matches("file_.*\\.dump(\\.zst)?"))
                    .sorted().toList();
        }
    }

    @Test
    void everyDatabaseGetsItsOwnDirectoryAndAWholeRunRestoresIntoDatabasesThatAreGone() throws IOException {
        SampleData.fill(app.cluster(), "postgres", 50);
        psql("postgres", "CREATE DATABASE sales; CREATE DATABASE skipme; CREATE ROLE keeper NOLOGIN");
        SampleData.fill(app.cluster(), "sales", 120);
        ODD.forEach(this::createMarked);
        psql("postgres", "ALTER DATABASE " + quote(ODD.get(0)) + " OWNER TO keeper");
        String appBefore = SampleData.fingerprint(app.cluster());
        String salesBefore = SampleData.fingerprint(app.cluster(), "sales");
        Map<String, String> env = env();
        env.put("APP_EXCLUDE_DATABASES", "skipme, nosuchdb");
        env.put("BACKUP_PARALLELISM", "2");

        ControllerProcess.Run dump = controller.ok(env, "dump", "app", "--shared");

        assertThat(dump.stderr()).contains("APP_EXCLUDE_DATABASES names 'nosuchdb', which is no database");
        List<String> databases = List.of("app", "postgres", "sales", ODD.get(0), "..", "a/b", "a%2Fb");
        String run = archives(directoryOf("app")).get(0);
        for (String database : databases) {
            assertThat(archives(directoryOf(database))).as(database).containsExactly(run);
            assertThat(dump.stdout()).contains("app: " + DatabaseDirectory.of(database) + "/" + run + " (");
            Manifest manifest = Manifest.parse(Files.readAllBytes(directoryOf(database).resolve(run
                    + ".manifest.json"))).orElseThrow();
            assertThat(manifest.database()).isEqualTo(database);
            assertThat(root.resolve("shared/app").resolve(DatabaseDirectory.of(database))
                    .resolve(run.endsWith(".zst") ? "file.dump.zst" : "file.dump")).isRegularFile();
        }
        assertThat(Manifest.parse(Files.readAllBytes(directoryOf(ODD.get(0)).resolve(run + ".manifest.json")))
                .orElseThrow().owner()).hasValue("keeper");
        assertThat(directoryOf("..")).hasFileName("%2E%2E");
        assertThat(directoryOf("skipme")).doesNotExist();
        assertThat(directoryOf("template1")).doesNotExist();
        assertThat(root.resolve("data/app").resolve(run + ".roles.sql")).isRegularFile();
        assertThat(archives(root.resolve("data/app"))).isEmpty();
        try (Stream<Path> files = Files.list(root.resolve("data/app"))) {
            assertThat(files.filter(p -> p.getFileName().toString().endsWith(".roles.sql"))).hasSize(1);
        }

        assertThat(controller.ok(env, "list", "app").stdout().lines().toList()).containsExactlyInAnyOrderElementsOf(
                databases.stream().map(d -> DatabaseDirectory.of(d) + "/" + run).toList());
        assertThat(controller.ok(env, "verify", "app").exitCode()).isZero();
        ControllerProcess.Run drill = controller.ok(env, "drill", "app");
        for (String database : databases) {
            assertThat(drill.stdout()).contains("app: drill passed: " + DatabaseDirectory.of(database) + "/" + run);
        }
        assertThat(psql("postgres", "SELECT count(*) FROM pg_database WHERE datname LIKE '%drill%'")).isEqualTo("0");

        // One database back, given as list prints it.
        SampleData.damage(app.cluster());
        controller.ok(env, "restore", "app", "app/" + run);
        assertThat(SampleData.fingerprint(app.cluster())).isEqualTo(appBefore);

        // The whole run, into a server that lost three databases and the role that owned one.
        psql("postgres", "DROP DATABASE sales; DROP DATABASE " + quote(ODD.get(0)) + "; DROP DATABASE \"..\";"
                + " DROP ROLE keeper");
        ControllerProcess.Run restore = controller.ok(env, "restore", "app", "*/" + run, "--with-roles");
        assertThat(restore.stdout()).contains("app: restored sales/" + run, "app: restored %2E%2E/" + run);
        assertThat(SampleData.fingerprint(app.cluster(), "sales")).isEqualTo(salesBefore);
        for (String odd : ODD) {
            assertThat(psql(odd, "SELECT name FROM marker")).as(odd).isEqualTo(odd);
        }
        assertThat(psql("postgres", "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = '"
                + ODD.get(0).replace("'", "''") + "'")).isEqualTo("keeper");

        // The shared copies, each into its database: one more gone first.
        psql("postgres", "DROP DATABASE sales");
        ControllerProcess.Run shared = controller.ok(env, "restore-from-shared", "app");
        assertThat(shared.stdout()).contains("app: restored sales/file.dump");
        assertThat(SampleData.fingerprint(app.cluster(), "sales")).isEqualTo(salesBefore);
    }

    @Test
    void aDatabaseTheRoleMayNotConnectToFailsAloneAndTheRunCountsAsFailedUntilItsFixed() throws IOException {
        psql("postgres", """
                CREATE ROLE reader LOGIN PASSWORD 'reader-pw';
                GRANT pg_read_all_data TO reader;
                CREATE DATABASE secret;
                REVOKE CONNECT ON DATABASE secret FROM PUBLIC;
                """);
        Map<String, String> env = env();
        env.put("APP_POSTGRES_USER", "reader");
        env.put("APP_POSTGRES_PASSWORD", "reader-pw");
        env.put("HEALTH_MAX_AGE", "1h");

        ControllerProcess.Run dump = controller.run(env, "dump", "app");

        assertThat(dump.exitCode()).as(dump.toString()).isEqualTo(1);
        assertThat(dump.errorLines()).singleElement().asString().contains("1 of the 3 databases of service 'app'"
                + " failed; the other 2 are stored", "'secret'", "permission denied for database \"secret\"");
        assertThat(dump.stderr()).doesNotContain("reader-pw");
        assertThat(archives(directoryOf("app"))).hasSize(1);
        assertThat(archives(directoryOf("postgres"))).hasSize(1);
        assertThat(directoryOf("secret")).doesNotExist();
        ControllerProcess.Run health = controller.run(env, "health");
        assertThat(health.exitCode()).as(health.toString()).isEqualTo(1);
        assertThat(health.stdout()).contains("database 'secret' has no complete archive");

        psql("postgres", "GRANT CONNECT ON DATABASE secret TO reader");
        controller.ok(env, "dump", "app");
        assertThat(archives(directoryOf("secret"))).hasSize(1);
        assertThat(controller.ok(env, "health").stdout()).contains("app: fresh: newest complete archive ");
    }

    @Test
    void aNewDatabaseIsInTheNextRunAndOneGoneKeepsItsArchivesAndListSaysSo() throws IOException {
        psql("postgres", "CREATE DATABASE old");
        Map<String, String> env = env();
        env.put("HEALTH_MAX_AGE", "1h");
        controller.ok(env, "dump", "app");
        String first = archives(directoryOf("old")).get(0);
        assertThat(directoryOf("newer")).doesNotExist();
        psql("postgres", "DROP DATABASE old; CREATE DATABASE newer");

        controller.ok(env, "dump", "app");

        assertThat(archives(directoryOf("newer"))).as("a database created since the last run").hasSize(1);
        assertThat(archives(directoryOf("old"))).containsExactly(first);
        assertThat(archives(directoryOf("app"))).hasSize(2);
        assertThat(controller.ok(env, "list", "app").stdout()).contains("old/" + first
                + "  (database gone from the server)");
        assertThat(controller.ok(env, "health").stdout()).contains("app: fresh");
    }

    @Test
    void aDatabaseDroppedDuringTheRunIsReportedAndTheOthersAreStored(@TempDir Path output) throws Exception {
        psql("postgres", "CREATE DATABASE zdrop");
        Map<String, String> env = env();
        env.put("BACKUP_PARALLELISM", "1");
        String log;
        // Databases are dumped in name order, one at a time: app waits on the lock while zdrop is dropped.
        try (AutoCloseable lock = app.cluster().holdLock("customers");
                ControllerProcess.Background dump = controller.start(output, env, "dump", "app")) {
            Waiting.until("pg_dump of app to wait for the lock", Duration.ofMinutes(1),
                    () -> app.cluster().controllerWaitsForLock(), dump::log);
            psql("postgres", "DROP DATABASE zdrop");
            lock.close();
            assertThat(dump.waitFor(Duration.ofMinutes(2))).as(dump.log()).isZero();
            log = dump.log();
        }

        assertThat(log).contains("database 'zdrop' was dropped during the run, so nothing is stored for it");
        assertThat(archives(directoryOf("app"))).hasSize(1);
        assertThat(archives(directoryOf("postgres"))).hasSize(1);
        assertThat(directoryOf("zdrop")).doesNotExist();
    }

    @Test
    void anExclusionOnASingleDatabaseServiceIsAConfigurationError() {
        Map<String, String> env = app.env(root);
        env.put("APP_EXCLUDE_DATABASES", "x");

        ControllerProcess.Run dump = controller.run(env, "dump", "app");

        assertThat(dump.exitCode()).isEqualTo(2);
        assertThat(dump.errorLines()).singleElement().asString().contains("APP_EXCLUDE_DATABASES is set but"
                + " APP_POSTGRES_DB is 'app', one database: set APP_POSTGRES_DB=*");
        assertThat(root.resolve("data/app")).doesNotExist();
    }
}
