package org.pgbackup.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.pgbackup.storage.s3.FaultyProxy;
import org.pgbackup.storage.s3.S3ProxyServer;

/** The controller with an S3-compatible bucket: s3proxy in this JVM, AWS v4 signatures checked. */
class S3IT {
    static final String BUCKET = "backups";

    @RegisterExtension
    static ClusterExtension app = new ClusterExtension("app", "hugo", "hugo-pw-3141", "app", 1000);
    @RegisterExtension
    static S3Extension bucket = new S3Extension(BUCKET);
    static ControllerProcess controller = ControllerProcess.fromSystemProperty();
    S3ProxyServer s3;

    @TempDir
    Path root;
    final String prefix = "proj-" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeEach
    void server() {
        s3 = bucket.server();
    }

    private Map<String, String> env(String targets) {
        return bucket.env(app, root, prefix, targets);
    }

    /** Our archives in the bucket, without their sidecars. */
    private List<String> ourKeys() {
        return s3.keys(BUCKET).stream().filter(k -> k.startsWith(prefix + "/") && Trees.isArchive(k)).toList();
    }

    private static String archiveOf(ControllerProcess.Run dump) {
        return dump.stdout().lines().findFirst().orElseThrow().split(" ")[1];
    }

    @Test
    void aWholeServerServiceKeepsADirectoryPerDatabaseInTheBucketAndRestoresARunFromIt() {
        app.cluster().psql("postgres", "CREATE DATABASE \"s3 extra\"");
        try {
            SampleData.fill(app.cluster(), "s3 extra", 50);
            String before = SampleData.fingerprint(app.cluster(), "s3 extra");
            Map<String, String> env = env("s3");
            env.put("APP_POSTGRES_DB", "*");

            ControllerProcess.Run dump = controller.ok(env, "dump", "app");

            String archive = dump.stdout().lines().filter(l -> l.startsWith("app: s3%20extra/")).findFirst()
                    .orElseThrow().split("[/ ]")[2];
            assertThat(s3.keys(BUCKET)).contains(prefix + "/app/s3%20extra/" + archive,
                    prefix + "/app/s3%20extra/" + archive + ".manifest.json", prefix + "/app/app/" + archive,
                    prefix + "/app/" + archive + ".roles.sql");
            assertThat(root.resolve("data/app/s3%20extra")).doesNotExist();
            assertThat(controller.ok(env, "list", "app").stdout()).contains("s3%20extra/" + archive,
                    "app/" + archive);

            app.cluster().psql("postgres", "DROP DATABASE \"s3 extra\"");
            controller.ok(env, "restore", "app", "*/" + archive);

            assertThat(SampleData.fingerprint(app.cluster(), "s3 extra")).isEqualTo(before);
        } finally {
            app.cluster().psql("postgres", "DROP DATABASE IF EXISTS \"s3 extra\"");
        }
    }

    @Test
    void localAndS3GetTheSameArchiveAndTheBucketAloneRestoresIt() throws IOException {
        String before = SampleData.fingerprint(app.cluster());
        Map<String, String> env = env("filesystem,s3");

        ControllerProcess.Run dump = controller.ok(env, "dump", "app");

        String archive = archiveOf(dump);
        assertThat(dump.stdout()).contains("stored in local, s3");
        assertThat(ourKeys()).containsExactly(prefix + "/app/" + archive);
        Path local = root.resolve("data/app").resolve(archive);
        assertThat(local).isRegularFile();
        try (var in = s3.blobStore().getBlob(BUCKET, prefix + "/app/" + archive).getPayload().openStream()) {
            assertThat(in.readAllBytes()).isEqualTo(Files.readAllBytes(local));
        }
        assertThat(controller.ok(env, "list", "--long", "app").stdout()).contains(archive).contains("local,s3");

        Files.delete(local);
        assertThat(controller.ok(env, "list", "app").stdout().strip()).isEqualTo(archive);
        assertThat(controller.ok(env, "list", "--long", "app").stdout()).contains(" s3 ");
        SampleData.damage(app.cluster());
        controller.ok(env, "restore", "app", archive);
        assertThat(SampleData.fingerprint(app.cluster())).isEqualTo(before);
    }

    @Test
    void s3AloneDumpsListsAndRestores() {
        String before = SampleData.fingerprint(app.cluster());
        Map<String, String> env = env("s3");

        String archive = archiveOf(controller.ok(env, "dump", "app"));

        assertThat(Trees.names(root.resolve("data/app"))).as("nothing local but the service's lock").isEmpty();
        assertThat(ourKeys()).containsExactly(prefix + "/app/" + archive);
        assertThat(controller.ok(env, "list", "app").stdout().strip()).isEqualTo(archive);
        SampleData.damage(app.cluster());
        controller.ok(env, "restore", "app", archive);
        assertThat(SampleData.fingerprint(app.cluster())).isEqualTo(before);
    }

    private void putForeign(String key) {
        s3.blobStore().putBlob(BUCKET, s3.blobStore().blobBuilder(key)
                .payload(new ByteArrayInputStream("not ours".getBytes())).contentLength(8).build());
    }

    @Test
    void retentionLooksOnlyUnderItsOwnPrefixAndService() {
        String expired = "file_daily_2020-01-01T03:00:00Z.dump";
        List<String> foreign = List.of(prefix + "-other/app/" + expired, prefix + "x/app/" + expired,
                prefix + "/app2/" + expired, prefix + "/app-b/" + expired, "app/" + expired);
        foreign.forEach(this::putForeign);
        putForeign(prefix + "/app/" + expired);

        ControllerProcess.Run dump = controller.ok(env("s3"), "dump", "app");

        assertThat(dump.stdout()).contains("retention removed " + expired + " from s3");
        assertThat(s3.keys(BUCKET)).doesNotContain(prefix + "/app/" + expired).containsAll(foreign);
    }

    @Test
    void failedDumpLeavesNoObject(@TempDir Path bin) throws IOException {
        Path real = PgCluster.serverBinaries();
        Path pgDump = bin.resolve("pg_dump");
        // The whole archive streams out, then pg_dump fails: the upload must not be completed.
        Files.writeString(pgDump, "#!/bin/sh\nif [ \"$1\" = --version ]; then exec '" + real.resolve("pg_dump")
                + "' --version; fi\n'" + real.resolve("pg_dump") + "' \"$@\"\necho 'pg_dump: error: injected' >&2\n"
                + "exit 1\n");
        Files.setPosixFilePermissions(pgDump, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createSymbolicLink(bin.resolve("psql"), real.resolve("psql"));
        Map<String, String> env = env("local,s3");
        env.put("PG_BIN_DIR", bin.toString());

        ControllerProcess.Run dump = controller.run(env, "dump", "app");

        assertThat(dump.exitCode()).as(dump.toString()).isEqualTo(1);
        assertThat(dump.errorLines()).singleElement().asString().contains("pg_dump failed for service 'app'")
                .contains("injected");
        assertThat(s3.keys(BUCKET)).noneMatch(k -> k.startsWith(prefix + "/"));
        assertThat(Trees.snapshot(root.resolve("data")).keySet()).noneMatch(Trees::isArchive);
    }

    @Test
    void wrongSecretFailsClearlyWithoutTheSecretAndTheLocalArchiveStays() {
        Map<String, String> env = env("local,s3");
        env.put("S3_SECRET_ACCESS_KEY", "Wrong-Secret-Key-999");

        ControllerProcess.Run dump = controller.run(env, "dump", "app");

        assertThat(dump.exitCode()).as(dump.toString()).isEqualTo(1);
        assertThat(dump.errorLines()).anySatisfy(l -> assertThat(l).contains("destination s3 failed")
                .contains("SignatureDoesNotMatch").contains("S3_SECRET_ACCESS_KEY"));
        assertThat(dump.output()).doesNotContain("Wrong-Secret-Key-999").doesNotContain(s3.secretKey());
        String archive = archiveOf(dump);
        assertThat(root.resolve("data/app").resolve(archive)).isRegularFile();
        assertThat(ourKeys()).isEmpty();
    }

    @Test
    void endpointDownKeepsTheLocalArchiveListedAndExitsOne() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closedPort = socket.getLocalPort();
        }
        Map<String, String> env = env("local,s3");
        env.put("S3_ENDPOINT", "http://127.0.0.1:" + closedPort);

        ControllerProcess.Run dump = controller.run(env, "dump", "app");

        assertThat(dump.exitCode()).as(dump.toString()).isEqualTo(1);
        assertThat(dump.errorLines()).anySatisfy(l -> assertThat(l).contains("destination s3 failed")
                .contains("cannot connect"));
        String archive = archiveOf(dump);
        ControllerProcess.Run list = controller.run(env, "list", "app");
        assertThat(list.stdout().strip()).isEqualTo(archive);
        assertThat(list.errorLines()).singleElement().asString().contains("destination s3 could not be listed");
        assertThat(list.exitCode()).isEqualTo(1);
    }

    @Test
    void connectionDroppedMidUploadKeepsTheLocalArchive() throws IOException {
        try (FaultyProxy proxy = new FaultyProxy(s3.port(), 0, FaultyProxy.Fault.DROP).cutAfter(4000)) {
            Map<String, String> env = env("local,s3");
            env.put("S3_ENDPOINT", proxy.endpoint());

            ControllerProcess.Run dump = controller.run(env, "dump", "app");

            assertThat(dump.exitCode()).as(dump.toString()).isEqualTo(1);
            assertThat(dump.errorLines()).anySatisfy(l -> assertThat(l).contains("destination s3 failed"));
            assertThat(root.resolve("data/app").resolve(archiveOf(dump))).isRegularFile();
            assertThat(ourKeys()).isEmpty();
        }
    }

    @Test
    void retriesCarryADumpThroughAFlakyEndpoint() throws IOException {
        try (FaultyProxy proxy = new FaultyProxy(s3.port(), 2, FaultyProxy.Fault.SERVICE_UNAVAILABLE)) {
            Map<String, String> env = env("s3");
            env.put("S3_ENDPOINT", proxy.endpoint());
            env.put("S3_MAX_RETRIES", "2");

            ControllerProcess.Run dump = controller.ok(env, "dump", "app");

            assertThat(ourKeys()).containsExactly(prefix + "/app/" + archiveOf(dump));
            assertThat(dump.stderr()).contains("retry 2 of 2");
        }
    }
}
