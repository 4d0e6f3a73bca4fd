package org.pgbackup.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jclouds.blobstore.domain.Blob;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Catch-up between destinations: with {@code BACKUP_TARGET=local,s3} and the bucket down for
 * some runs, the archives stored locally reach the bucket on the next complete run or by
 * {@code sync}, streamed, their SHA-256 checked against the manifest, never twice, and never
 * one whose bytes no longer match its manifest.
 */
class SyncIT {
    static final String BUCKET = "synced";

    @RegisterExtension
    static ClusterExtension app = new ClusterExtension("app", "sync", "sync-pw-2718", "app", 300);
    @RegisterExtension
    static S3Extension bucket = new S3Extension(BUCKET);
    @TempDir
    Path root;
    private final ControllerProcess controller = ControllerProcess.fromSystemProperty();
    private final String prefix = "sync-" + UUID.randomUUID().toString().substring(0, 8);

    private Map<String, String> up() {
        return bucket.env(app, root, prefix, "local,s3");
    }

    /** The same, with the bucket's endpoint on a port nothing listens on. */
    private Map<String, String> down() throws IOException {
        Map<String, String> env = up();
        try (ServerSocket socket = new ServerSocket(0)) {
            env.put("S3_ENDPOINT", "http://127.0.0.1:" + socket.getLocalPort());
        }
        return env;
    }

    private List<Path> localArchives() throws IOException {
        try (var files = Files.list(root.resolve("data/app"))) {
            return files.filter(p -> p.getFileName().toString().endsWith(".dump.zst")).sorted().toList();
        }
    }

    /** Our archives in the bucket, by file name, without their sidecars. */
    private List<String> bucketArchives() {
        return bucket.server().keys(BUCKET).stream().filter(k -> k.startsWith(prefix + "/app/") && k.endsWith(".dump.zst"))
                .map(k -> k.substring(k.lastIndexOf('/') + 1)).sorted().toList();
    }

    /** sha256sum of an object as a bucket holds it, {@code path} under our prefix, read through the S3 server's own store. */
    private String bucketSha256(String bucketName, String path) throws IOException {
        Blob blob = bucket.server().blobStore().getBlob(bucketName, prefix + "/" + path);
        assertThat(blob).as(bucketName + ": " + path).isNotNull();
        try (InputStream in = blob.getPayload().openStream()) {
            return Sha256Sum.of(in.readAllBytes());
        }
    }

    private void dumpWithTheBucketDown() throws IOException {
        ControllerProcess.Run dump = controller.run(down(), "dump", "app");
        assertThat(dump.exitCode()).as(dump.toString()).isEqualTo(1);
        assertThat(dump.output()).contains("stored in local");
    }

    /**
     * {@code pgbackup_archives_missing} for the bucket, as a restarted {@code start} (whose
     * schedule is far off, so it runs nothing) reports it before its first run.
     */
    private double missingInTheMetricsOfAStart() throws IOException {
        Map<String, String> env = up();
        int port = Metrics.freePort();
        env.putAll(Map.of("MODE", "production", "BACKUP_SCHEDULE", "0 0 1 1 *", "METRICS_PORT",
                Integer.toString(port), "DATABASES_ROOT", root.resolve("databases").toString()));
        String url = "http://127.0.0.1:" + port + "/metrics";
        String series = "pgbackup_archives_missing{destination=\"s3\",service=\"app\"}";
        try (ControllerProcess.Background start = controller.start(Files.createDirectories(root.resolve("start")), env,
                "start")) {
            Waiting.until("the missing archives in the metrics", Duration.ofSeconds(60),
                    () -> Metrics.value(Metrics.get(url), series) >= 0, start::log);
            String metrics = Metrics.get(url);
            assertThat(Metrics.value(metrics, "pgbackup_archives_missing{destination=\"local\",service=\"app\"}"))
                    .isZero();
            return Metrics.value(metrics, series);
        }
    }

    @Test
    void theBucketDownForThreeRunsGetsTheirArchivesOnTheNextRunOnceAndVerifyPassesOnBothSides() throws IOException {
        for (int run = 0; run < 3; run++) {
            dumpWithTheBucketDown();
        }
        List<Path> missed = localArchives();
        assertThat(missed).hasSize(3);
        assertThat(bucketArchives()).isEmpty();
        ControllerProcess.Run listed = controller.run(down(), "list", "--long", "app");
        assertThat(listed.stdout().lines().filter(l -> l.contains("MISSING in s3"))).hasSize(3);
        assertThat(missingInTheMetricsOfAStart()).isEqualTo(3);

        ControllerProcess.Run planned = controller.ok(up(), "sync", "app", "--dry-run");
        for (Path archive : missed) {
            assertThat(planned.stdout()).contains("app: would copy " + archive.getFileName() + " from local to s3");
        }
        assertThat(bucketArchives()).as("a dry run copies nothing").isEmpty();

        controller.ok(up(), "dump", "app");

        List<Path> local = localArchives();
        assertThat(local).hasSize(4);
        assertThat(bucketArchives()).containsExactlyElementsOf(local.stream().map(p -> p.getFileName().toString())
                .toList());
        for (Path archive : local) {
            assertThat(bucketSha256(BUCKET, "app/" + archive.getFileName())).as(archive.getFileName().toString())
                    .isEqualTo(Sha256Sum.of(archive));
            assertThat(bucket.server().keys(BUCKET)).contains(prefix + "/app/" + archive.getFileName() + ".manifest.json",
                    prefix + "/app/" + archive.getFileName() + ".roles.sql");
        }
        ControllerProcess.Run verify = controller.ok(up(), "verify", "app", "--all");
        for (Path archive : local) {
            assertThat(verify.stdout()).contains(archive.getFileName() + " in local: ok",
                    archive.getFileName() + " in s3: ok");
        }
        assertThat(controller.ok(up(), "list", "--long", "app").stdout()).doesNotContain("MISSING");

        ControllerProcess.Run again = controller.ok(up(), "sync", "app");
        assertThat(again.stdout()).doesNotContain("copied").contains("app: every destination holds every archive");
        assertThat(bucketArchives()).hasSize(4);
    }

    @Test
    void anArchiveChangedAfterItsManifestIsRefusedNamingItAndTheOthersAreCopied() throws IOException {
        dumpWithTheBucketDown();
        dumpWithTheBucketDown();
        List<Path> local = localArchives();
        Path changed = local.get(0);
        String before = Sha256Sum.of(changed);
        try (RandomAccessFile file = new RandomAccessFile(changed.toFile(), "rw")) {
            file.seek(file.length() / 2);
            int b = file.read();
            file.seek(file.length() / 2);
            file.write(b ^ 0xff);
        }
        assertThat(Sha256Sum.of(changed)).isNotEqualTo(before);

        ControllerProcess.Run sync = controller.run(up(), "sync", "app");

        assertThat(sync.exitCode()).as(sync.toString()).isEqualTo(1);
        assertThat(sync.stderr()).contains("not copied: " + changed.getFileName() + " to s3",
                "do not match its manifest");
        assertThat(sync.stdout()).contains("app: copied " + local.get(1).getFileName() + " from local to s3");
        assertThat(bucketArchives()).containsExactly(local.get(1).getFileName().toString());
        assertThat(bucket.server().keys(BUCKET)).noneMatch(k -> k.contains(changed.getFileName().toString()));
    }

    /**
     * A second bucket as the named destination {@code s3:offsite}, its settings under
     * {@code S3_OFFSITE_}: with a wrong secret the dump names it and the first bucket still
     * gets the archive; with the right one, sync copies it there, and {@code restore --from}
     * reads it from there alone.
     */
    @Test
    void aNamedSecondBucketIsNamedWhenItFailsCaughtUpWhenItWorksAndRestoredFrom() throws IOException {
        bucket.server().bucket("offsite");
        Map<String, String> env = bucket.env(app, root, prefix, "local,s3,s3:offsite");
        bucket.server().environment("offsite", prefix).forEach((name, value) -> env.put(
                name.replaceFirst("^S3_", "S3_OFFSITE_"), value));
        String secret = env.get("S3_OFFSITE_SECRET_ACCESS_KEY");
        env.put("S3_OFFSITE_SECRET_ACCESS_KEY", "wrong-offsite-secret");

        ControllerProcess.Run dump = controller.run(env, "dump", "app");

        assertThat(dump.exitCode()).as(dump.toString()).isEqualTo(1);
        assertThat(dump.output()).contains("stored in local, s3").contains("destination s3:offsite failed")
                .contains("check S3_OFFSITE_ACCESS_KEY_ID and S3_OFFSITE_SECRET_ACCESS_KEY")
                .doesNotContain("wrong-offsite-secret");
        String archive = localArchives().get(0).getFileName().toString();
        assertThat(bucketArchives()).containsExactly(archive);
        assertThat(bucket.server().keys("offsite")).isEmpty();

        env.put("S3_OFFSITE_SECRET_ACCESS_KEY", secret);
        assertThat(controller.ok(env, "sync", "app").stdout())
                .contains("app: copied " + archive + " from local to s3:offsite");
        assertThat(bucketSha256("offsite", "app/" + archive)).isEqualTo(Sha256Sum.of(localArchives().get(0)));
        assertThat(bucketArchives()).as("the first bucket had it: nothing copied there").containsExactly(archive);

        String before = SampleData.fingerprint(app.cluster());
        app.cluster().psql("app", "TRUNCATE customers CASCADE");
        Files.delete(root.resolve("data/app/" + archive));
        Files.delete(root.resolve("data/app/" + archive + ".manifest.json"));
        ControllerProcess.Run fromLocal = controller.run(env, "restore", "app", archive, "--from", "local");
        assertThat(fromLocal.exitCode()).as(fromLocal.toString()).isEqualTo(1);
        assertThat(fromLocal.stderr()).contains("has no archive " + archive + " in local");
        ControllerProcess.Run unknown = controller.run(env, "restore", "app", archive, "--from", "s3:elsewhere");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.stderr()).contains("Unknown destination 's3:elsewhere' to restore from: --from takes one of"
                + " BACKUP_TARGET: local, s3, s3:offsite");

        assertThat(controller.ok(env, "restore", "app", archive, "--from", "s3:offsite").stdout())
                .contains("app: restored " + archive + " from s3:offsite");
        assertThat(SampleData.fingerprint(app.cluster())).isEqualTo(before);
    }

    /** A whole-server service keeps a directory per database: catch-up copies each, by {@code sync --all}. */
    @Test
    void aWholeServerServiceMissedByTheBucketIsCaughtUpDatabaseByDatabaseWithSyncAll() throws IOException {
        app.cluster().psql("postgres", "CREATE DATABASE \"sync extra\"");
        try {
            SampleData.fill(app.cluster(), "sync extra", 20);
            Map<String, String> down = down();
            down.put("APP_POSTGRES_DB", "*");
            ControllerProcess.Run dump = controller.run(down, "dump", "app");
            assertThat(dump.exitCode()).as(dump.toString()).isEqualTo(1);
            List<String> keysBefore = bucket.server().keys(BUCKET).stream().filter(k -> k.startsWith(prefix + "/"))
                    .toList();
            assertThat(keysBefore).isEmpty();

            Map<String, String> up = up();
            up.put("APP_POSTGRES_DB", "*");
            ControllerProcess.Run sync = controller.ok(up, "sync", "--all");

            List<String> copied = sync.stdout().lines().filter(l -> l.startsWith("app: copied ")).toList();
            assertThat(copied).anyMatch(l -> l.startsWith("app: copied sync%20extra/"))
                    .anyMatch(l -> l.startsWith("app: copied app/"));
            try (var files = Files.walk(root.resolve("data/app"))) {
                for (Path archive : files.filter(p -> p.getFileName().toString().endsWith(".dump.zst")).toList()) {
                    String path = root.resolve("data").relativize(archive).toString();
                    assertThat(bucketSha256(BUCKET, path)).as(path).isEqualTo(Sha256Sum.of(archive));
                }
            }
            assertThat(controller.ok(up, "sync", "--all").stdout()).doesNotContain("copied")
                    .contains("app: every destination holds every archive");
        } finally {
            app.cluster().psql("postgres", "DROP DATABASE \"sync extra\"");
        }
    }
}
