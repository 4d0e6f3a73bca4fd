package org.pgbackup.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.pgbackup.config.TableSelection;
import org.pgbackup.manifest.Manifest;

/**
 * {@code <SERVICE>_EXCLUDE_TABLES}, {@code _EXCLUDE_TABLE_DATA} and {@code _SCHEMAS} through
 * the shaded jar: what is left out is absent after a restore into an empty database, the
 * rest is complete, the archive says it is partial, and a pattern that matches nothing,
 * shell metacharacters and all, is one argument and a warning.
 */
class TableSelectionIT {
    @RegisterExtension
    ClusterExtension app = new ClusterExtension("app", "pete", "pete-pw", "app", 300);
    static ControllerProcess controller = ControllerProcess.fromSystemProperty();

    @TempDir
    Path root;

    @BeforeEach
    void extraTables() {
        app.cluster().psql("""
                CREATE TABLE audit_log (id int, what text);
                INSERT INTO audit_log SELECT g, 'event ' || g FROM generate_series(1, 50) g;
                CREATE TABLE audit_archive (id int);
                INSERT INTO audit_archive VALUES (1);
                CREATE TABLE cache (key text PRIMARY KEY, value text);
                INSERT INTO cache SELECT 'k' || g, 'v' || g FROM generate_series(1, 40) g;
                CREATE SCHEMA reports;
                CREATE TABLE reports.daily (day date, total numeric);
                INSERT INTO reports.daily SELECT date '2025-01-01' + g, g * 10 FROM generate_series(1, 30) g;
                """);
        app.cluster().psql("postgres", "CREATE DATABASE fresh");
    }

    private String archive() throws IOException {
        try (Stream<Path> files = Files.list(root.resolve("data/app"))) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.matches("file_.*\\.dump(\\.zst)?"))
                    .findFirst().orElseThrow();
        }
    }

    /** The same service's variables, pointed at the empty database for the restore. */
    private static Map<String, String> intoFresh(Map<String, String> env) {
        Map<String, String> fresh = new HashMap<>(env);
        fresh.put("APP_POSTGRES_DB", "fresh");
        return fresh;
    }

    private String inFresh(String sql) {
        return app.cluster().psql("fresh", sql);
    }

    @Test
    void excludedTablesAndDataAreAbsentAfterARestoreAndTheRestIsComplete() throws IOException {
        String before = SampleData.fingerprint(app.cluster());
        Map<String, String> env = app.env(root);
        env.put("APP_EXCLUDE_TABLES", "audit_*, a; rm -rf /");
        env.put("APP_EXCLUDE_TABLE_DATA", "public.cache");

        ControllerProcess.Run dump = controller.ok(env, "dump", "app");

        assertThat(dump.stderr()).contains("the pattern 'a; rm -rf /' of APP_EXCLUDE_TABLES, _EXCLUDE_TABLE_DATA or"
                + " _SCHEMAS matches nothing").doesNotContain("pattern 'audit_*'").doesNotContain("'public.cache'");
        Manifest manifest = Manifest.parse(Files.readAllBytes(root.resolve("data/app").resolve(archive()
                + ".manifest.json"))).orElseThrow();
        assertThat(manifest.tables()).isEqualTo(new TableSelection(List.of("audit_*", "a; rm -rf /"),
                List.of("public.cache"), List.of()));
        assertThat(controller.ok(env, "list", "--long", "app").stdout())
                .contains("partial (without tables=audit_*,a; rm -rf /;"
                        + " without data of=public.cache)");

        ControllerProcess.Run restore = controller.ok(intoFresh(env), "restore", "app", archive());

        assertThat(restore.stdout()).contains("app: restored " + archive() + " (a partial archive: without"
                + " tables=audit_*,a; rm -rf /; without data of=public.cache)");
        assertThat(inFresh("SELECT count(*) FROM pg_tables WHERE tablename LIKE 'audit%'")).isEqualTo("0");
        assertThat(inFresh("SELECT count(*) FROM cache")).isEqualTo("0");
        assertThat(inFresh("SELECT count(*) FROM reports.daily")).isEqualTo("30");
        assertThat(SampleData.fingerprint(app.cluster(), "fresh")).isEqualTo(before);
        // Restore drills know what was left out on purpose.
        assertThat(controller.ok(env, "drill", "app").stdout()).contains("drill passed");
    }

    @Test
    void onlyTheListedSchemasAreDumped() throws IOException {
        Map<String, String> env = app.env(root);
        env.put("APP_SCHEMAS", "reports");
        controller.ok(env, "dump", "app");

        controller.ok(intoFresh(env), "restore", "app", archive());

        assertThat(inFresh("SELECT count(*) FROM reports.daily")).isEqualTo("30");
        assertThat(inFresh("SELECT count(*) FROM pg_tables WHERE schemaname IN ('public', 'sales')")).isEqualTo("0");
    }

    @Test
    void aSchemaPatternThatMatchesNothingAmongOthersIsAWarning() {
        Map<String, String> env = app.env(root);
        env.put("APP_SCHEMAS", "reports,no_such_schema");

        ControllerProcess.Run dump = controller.ok(env, "dump", "app");

        assertThat(dump.stderr()).contains("the pattern 'no_such_schema' of APP_EXCLUDE_TABLES").doesNotContain(
                "pattern 'reports'");
    }
}
