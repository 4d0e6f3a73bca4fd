package org.pgbackup.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input gets a one-line error and the exit code of DESIGN.md's table, and changes
 * nothing: neither the archives nor the database.
 */
class RefusalsIT {
    @RegisterExtension
    static ClusterExtension app = new ClusterExtension("app", "carol", "carol-pw-7781", "app", 1000);
    static ControllerProcess controller = ControllerProcess.fromSystemProperty();

    @TempDir
    Path root;
    String archive;

    @BeforeEach
    void oneArchive() {
        ControllerProcess.Run dump = controller.run(env(), "dump", "app", "--shared");
        assertThat(dump.exitCode()).as(dump.toString()).isZero();
        archive = controller.run(env(), "list", "app").stdout().strip();
    }

    private Map<String, String> env() {
        return app.env(root);
    }

    private void refused(int exitCode, String message, String... args) {
        refused(exitCode, message, e -> { }, args);
    }

    private void refused(int exitCode, String message, Consumer<Map<String, String>> change, String... args) {
        Map<String, String> env = env();
        change.accept(env);
        Map<String, String> filesBefore = Trees.snapshot(root);
        SampleData.damage(app.cluster());
        String dataBefore = SampleData.fingerprint(app.cluster());

        ControllerProcess.Run run = controller.run(env, args);

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(exitCode);
        assertThat(run.stdout()).as(run.toString()).isEmpty();
        assertThat(run.stderr().lines()).as(run.toString()).singleElement().satisfies(line -> assertThat(line)
                .startsWith("error: ").contains(message));
        assertThat(Trees.snapshot(root)).as("archives after " + run).isEqualTo(filesBefore);
        assertThat(SampleData.fingerprint(app.cluster())).as("database after " + run).isEqualTo(dataBefore);
    }

    @Test
    void unknownServiceIsAUsageError() {
        refused(2, "Unknown service 'nope': DATABASE_LIST contains app", "restore", "nope", archive);
        refused(2, "Unknown service 'nope'", "list", "nope");
        refused(2, "Unknown service 'nope'", "dump", "nope");
        refused(2, "Unknown service 'nope'", "restore-from-shared", "nope");
    }

    @Test
    void wellFormedButUnknownArchiveFailsTheOperation() {
        refused(1, "Service 'app' has no archive file_daily_2000-01-01T00:00:00Z.dump", "restore", "app",
                "file_daily_2000-01-01T00:00:00Z.dump");
    }

    @Test
    void pathsAndOtherNamesAreRefusedBeforeAnythingIsTouched() {
        refused(2, "is a path, not an archive name", "restore", "app", "../app/" + archive);
        refused(2, "is a path, not an archive name", "restore", "app", "../../../etc/passwd");
        refused(2, "is a path, not an archive name", "restore", "app", root.resolve("data/app").resolve(archive)
                .toString());
        refused(2, "'backup.sql' is not an archive name", "restore", "app", "backup.sql");
        refused(2, "'file.dump' is not an archive name", "restore", "app", "file.dump");
    }

    @Test
    void badDatabaseListEntriesAreConfigurationErrors() {
        refused(2, "Invalid value for DATABASE_LIST: service 'app' is listed twice",
                e -> e.put("DATABASE_LIST", "app,app"), "dump", "app");
        refused(2, "Invalid service '../app' in DATABASE_LIST", e -> e.put("DATABASE_LIST", "../app"), "dump", "--all");
        refused(2, "has an empty entry", e -> e.put("DATABASE_LIST", "app,"), "list", "app");
        refused(2, "services 'app-x' and 'app_x' both read variables APP_X_POSTGRES_*",
                e -> e.put("DATABASE_LIST", "app,app-x,app_x"), "dump", "--all");
    }

    @Test
    void unknownBackupTargetListsTheKnownIds() {
        refused(2, "Unknown destination 'ftp' in BACKUP_TARGET: known destinations are filesystem, local",
                e -> e.put("BACKUP_TARGET", "local,ftp"), "dump", "app");
    }

    @Test
    void usageMistakesAreUsageErrors() {
        refused(2, "See 'controller dump --help'", "dump", "app", "--bogus");
        refused(2, "Give either a service or --all, not both", "dump", "app", "--all");
        refused(2, "Give a service and an archive name", "restore", "app");
        refused(2, "Expected a command, got frobnicate", "frobnicate");
        refused(2, "Invalid value for MODE (should be production, development or empty): prodution",
                e -> e.put("MODE", "prodution"), "list", "app");
    }

    @Test
    void everyNumericVariableRefusesWordsAndNegativeNumbers() {
        for (String[] bad : new String[][] {{"APP_POSTGRES_PORT", "0"}, {"APP_POSTGRES_PORT", "many"},
            {"OPERATION_TIMEOUT", "-1"}, {"OPERATION_TIMEOUT", "soon"}, {"RETENTION_DAILY_DAYS", "-7"},
            {"RETENTION_WEEKLY_DAYS", "a month"}, {"RETENTION_MONTHLY_DAYS", "0"}, {"STOP_GRACE_SECONDS", "-1"},
            {"LOCK_WAIT_SECONDS", "x"}, {"S3_MAX_RETRIES", "-3"}, {"S3_PART_SIZE_MB", "big"}}) {
            refused(2, "Invalid value for " + bad[0], e -> {
                e.put(bad[0], bad[1]);
                if (bad[0].startsWith("S3_")) {
                    e.putAll(Map.of("BACKUP_TARGET", "local,s3", "S3_BUCKET", "bucket", "S3_ACCESS_KEY_ID", "k",
                            "S3_SECRET_ACCESS_KEY", "s"));
                }
            }, "dump", "app");
        }
    }

    @Test
    void databaseListEntriesWithSpacesAreRefused() {
        refused(2, "Invalid service 'my app' in DATABASE_LIST", e -> e.put("DATABASE_LIST", "app,my app"), "dump",
                "--all");
        refused(2, "Invalid value for SERVER (should be production, development or empty): prod",
                e -> e.put("SERVER", "prod"), "list", "app");
    }

    @Test
    void missingSharedCopyFailsTheOperation() {
        PgCluster.deleteTree(root.resolve("shared"));
        refused(1, "Service 'app' has no shared copy", "restore-from-shared", "app");
    }
}
