package org.pgbackup.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.pgbackup.storage.s3.S3ProxyServer;

/** Proven archives: manifests, verify, checksum before restore, all-or-nothing restore, one operation at a time. */
class SafetyIT {
    @RegisterExtension
    static ClusterExtension app = new ClusterExtension("app", "judy", "judy-pw-2718", "app", 2000);
    @RegisterExtension
    static S3Extension bucket = new S3Extension("safety");
    static ControllerProcess controller = ControllerProcess.fromSystemProperty();
    S3ProxyServer s3;

    @TempDir
    Path root;

    @BeforeEach
    void server() {
        s3 = bucket.server();
    }

    private ControllerProcess.Run run(Map<String, String> env, String... args) {
        return controller.run(env, args);
    }

    private String dump() {
        return controller.ok(app.env(root), "dump", "app").stdout().lines().findFirst().orElseThrow().split(" ")[1];
    }

    @Test
    void everyDestinationGetsAManifestThatMatchesItsArchive() throws IOException {
        Map<String, String> env = app.env(root);
        env.putAll(s3.environment("safety", "manifests"));
        env.put("BACKUP_TARGET", "local,s3");

        String archive = controller.ok(env, "dump", "app", "--shared").stdout().split(" ")[1];

        Path local = root.resolve("data/app").resolve(archive);
        Path manifest = root.resolve("data/app").resolve(archive + ".manifest.json");
        String json = Files.readString(manifest);
        assertThat(json).contains("\"sha256\" : \"" + Sha256Sum.of(local) + "\"").contains("\"size\" : " + Files.size(local))
                .contains("\"service\" : \"app\"").contains("\"database\" : \"app\"").contains("\"pgDumpVersion\" : \"15")
                .contains("\"format\" : \"custom\"").contains("\"startedAt\"").contains("\"finishedAt\"")
                .doesNotContain("judy-pw-2718");
        assertThat(s3.keys("safety")).contains("manifests/app/" + archive + ".manifest.json",
                "manifests/app/" + archive + ".roles.sql");
        assertThat(root.resolve("shared/app/file.dump.zst.manifest.json")).content().contains(Sha256Sum.of(local));
        assertThat(root.resolve("data/app").resolve(archive + ".roles.sql")).content().contains("CREATE ROLE judy");
        for (Path file : List.of(local, manifest, root.resolve("data/app").resolve(archive + ".roles.sql"))) {
            assertThat(Trees.permissions(file)).as(file.toString()).isEqualTo("rw-------");
        }
        assertThat(Trees.permissions(root.resolve("shared/app/file.dump.zst.manifest.json"))).isEqualTo("rw-r-----");
        assertThat(Trees.permissions(root.resolve("data/app/.pgbackup"))).isEqualTo("rwx------");
        assertThat(Trees.permissions(root.resolve("data/app/.pgbackup/lock"))).isEqualTo("rw-------");
        assertThat(controller.ok(env, "list", "--long", "app").stdout())
                .contains("sha256 " + Sha256Sum.of(local).substring(0, 16))
                .contains("pg_dump 15").contains("local,s3");
        assertThat(controller.ok(env, "verify", "app").stdout()).contains(archive + " in local: ok").contains(archive
                + " in s3: ok");
    }

    @Test
    void anArchiveWithoutManifestIsIncompleteAndRestoredOnlyWithForce() throws IOException {
        String archive = dump();
        Files.delete(root.resolve("data/app").resolve(archive + ".manifest.json"));
        String before = SampleData.fingerprint(app.cluster());

        assertThat(controller.ok(app.env(root), "list", "app").stdout().strip()).isEqualTo(archive + " (incomplete)");
        ControllerProcess.Run refused = run(app.env(root), "restore", "app", archive);

        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(1);
        assertThat(refused.errorLines()).singleElement().asString().contains("has no readable manifest")
                .contains("--force");
        SampleData.damage(app.cluster());
        controller.ok(app.env(root), "restore", "app", archive, "--force");
        assertThat(SampleData.fingerprint(app.cluster())).isEqualTo(before);
    }

    private static void flipBytesInTheMiddle(Path file) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            long middle = raf.length() / 2;
            raf.seek(middle);
            byte[] bytes = new byte[8];
            raf.readFully(bytes);
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = (byte) ~bytes[i];
            }
            raf.seek(middle);
            raf.write(bytes);
        }
    }

    /**
     * Damage in a plain archive and in a zstd one. The plain one shows why a full read is
     * needed: {@code pg_restore --list} reads only the table of contents and accepts it.
     */
    @ParameterizedTest(name = "BACKUP_COMPRESSION={0}")
    @ValueSource(strings = {"gzip", "zstd"})
    void truncatedAndBitFlippedArchivesFailVerifyAndAreRefusedWithTheDatabaseUntouched(String compression)
            throws IOException {
        Map<String, String> env = app.env(root);
        env.put("BACKUP_COMPRESSION", compression);
        String truncated = controller.ok(env, "dump", "app").stdout().split(" ")[1];
        String flipped = controller.ok(env, "dump", "app").stdout().split(" ")[1];
        Path truncatedFile = root.resolve("data/app").resolve(truncated);
        try (RandomAccessFile raf = new RandomAccessFile(truncatedFile.toFile(), "rw")) {
            raf.setLength(raf.length() * 2 / 3);
        }
        Path flippedFile = root.resolve("data/app").resolve(flipped);
        flipBytesInTheMiddle(flippedFile);
        if (compression.equals("gzip")) {
            Exec.Result list = Exec.run(new ProcessBuilder(PgCluster.serverBinaries().resolve("pg_restore").toString(),
                    "--list", flippedFile.toString()), null);
            assertThat(list.exitCode()).as(list.stderr()).isZero();
        }
        SampleData.damage(app.cluster());
        String damaged = SampleData.fingerprint(app.cluster());

        ControllerProcess.Run verify = run(env, "verify", "app", "--all");

        assertThat(verify.exitCode()).as(verify.toString()).isEqualTo(1);
        assertThat(verify.stdout()).contains(truncated + " in local: FAILED: size").contains(flipped
                + " in local: FAILED: SHA-256");
        for (String archive : List.of(truncated, flipped)) {
            ControllerProcess.Run restore = run(env, "restore", "app", archive);
            assertThat(restore.exitCode()).as(restore.toString()).isEqualTo(1);
            assertThat(restore.errorLines()).singleElement().asString().contains("is corrupt")
                    .contains("nothing was restored");
            assertThat(SampleData.fingerprint(app.cluster())).isEqualTo(damaged);
        }
    }

    @Test
    void aRestoreThatFailsHalfwayLeavesTheTargetExactlyAsItWas() {
        String archive = dump();
        // A view in another schema depends on a table of the archive, so --clean cannot drop it.
        app.cluster().psql("CREATE SCHEMA reports; CREATE VIEW reports.rich AS SELECT id FROM customers WHERE"
                + " balance > 1000; UPDATE customers SET name = 'edited after the dump' WHERE id = 7;");
        String before = SampleData.fingerprint(app.cluster());

        ControllerProcess.Run restore = run(app.env(root), "restore", "app", archive);

        assertThat(restore.exitCode()).as(restore.toString()).isEqualTo(1);
        assertThat(restore.errorLines()).singleElement().asString().contains("pg_restore failed")
                .contains("the database is unchanged").contains("depend");
        assertThat(SampleData.fingerprint(app.cluster())).isEqualTo(before);
        assertThat(app.cluster().psql("SELECT name FROM customers WHERE id = 7")).isEqualTo("edited after the dump");
        app.cluster().psql("DROP SCHEMA reports CASCADE");
    }

    /** A pg_restore that waits before it starts, so that a restore holds the service's lock for a while. */
    private Path slowRestoreBin(Path bin) throws IOException {
        Path real = PgCluster.serverBinaries();
        for (String program : List.of("psql", "pg_dump", "pg_dumpall")) {
            Files.createSymbolicLink(bin.resolve(program), real.resolve(program));
        }
        Path pgRestore = bin.resolve("pg_restore");
        Files.writeString(pgRestore, "#!/bin/sh\nif [ \"$1\" != --version ]; then sleep 4; fi\nexec '"
                + real.resolve("pg_restore") + "' \"$@\"\n");
        Files.setPosixFilePermissions(pgRestore, PosixFilePermissions.fromString("rwxr-xr-x"));
        return bin;
    }

    @Test
    void aDumpWaitsForARestoreOfTheSameServiceOrFailsNamingIt(@TempDir Path bin, @TempDir Path output)
            throws IOException {
        String archive = dump();
        Map<String, String> env = app.env(root);
        env.put("PG_BIN_DIR", slowRestoreBin(bin).toString());
        Path lockFile = root.resolve("data/app/.pgbackup/lock");
        try (ControllerProcess.Background restore = controller.start(output, env, "restore", "app", archive)) {
            Waiting.until("the restore to hold the lock", Duration.ofSeconds(60),
                    () -> Files.exists(lockFile) && readQuietly(lockFile).startsWith("restore by process"),
                    restore::log);

            Map<String, String> impatient = app.env(root);
            impatient.put("LOCK_WAIT_SECONDS", "0");
            ControllerProcess.Run busy = run(impatient, "dump", "app");
            assertThat(busy.exitCode()).as(busy.toString()).isEqualTo(1);
            assertThat(busy.errorLines()).singleElement().asString().contains("Service 'app' is busy: restore by"
                    + " process").contains("LOCK_WAIT_SECONDS");

            ControllerProcess.Run patient = run(app.env(root), "dump", "app");
            assertThat(patient.exitCode()).as(patient.toString()).isZero();
            assertThat(patient.stderr()).contains("app: waiting up to 60s for the lock held by restore by process");
            assertThat(restore.waitFor(Duration.ofSeconds(60))).as("the restore ended before the dump took the"
                    + " lock").isZero();
        }
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }
}
