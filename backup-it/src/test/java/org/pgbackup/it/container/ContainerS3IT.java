package org.pgbackup.it.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * S3 from inside the image, over TLS: an S3-compatible server in a container (s3proxy,
 * signatures checked) with a certificate of a private CA, which the controller trusts
 * through {@code JAVA_OPTS}. The archive goes to the volume and the bucket at once; then a
 * controller without a local destination lists and restores from the bucket alone.
 */
@ExtendWith(ContainerEngine.class)
class ContainerS3IT {
    static final String STORE_PASSWORD = "changeit";

    @RegisterExtension
    static final Lab lab = new Lab();

    private static void keytool(String... args) {
        List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin",
                "keytool").toString()));
        command.addAll(List.of(args));
        EngineCli.Result run = EngineCli.run(null, Map.of(), command);
        assertThat(run.exitCode()).as(run.toString()).isZero();
    }

    /** A key store for the server named {@code s3}, and a trust store holding its certificate. */
    static Path certificates(Path dir) throws IOException {
        Path certs = Files.createDirectory(dir.resolve("certs"));
        keytool("-genkeypair", "-alias", "s3", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=s3",
                "-ext", "SAN=dns:s3", "-validity", "2", "-storetype", "PKCS12", "-keystore",
                certs.resolve("keystore.p12").toString(), "-storepass", STORE_PASSWORD, "-keypass", STORE_PASSWORD);
        keytool("-exportcert", "-alias", "s3", "-keystore", certs.resolve("keystore.p12").toString(), "-storepass",
                STORE_PASSWORD, "-file", certs.resolve("s3.crt").toString());
        keytool("-importcert", "-noprompt", "-alias", "s3", "-file", certs.resolve("s3.crt").toString(),
                "-storetype", "PKCS12", "-keystore", certs.resolve("truststore.p12").toString(), "-storepass",
                STORE_PASSWORD);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(certs, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (var files = Files.list(certs)) {
            for (Path file : files.toList()) {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
            }
        }
        return certs;
    }

    /** The S3 server, reachable as {@code s3} over TLS, with the bucket {@code backups}. */
    static GenericContainer<?> s3Server(Lab lab, Path certs) throws Exception {
        @SuppressWarnings("resource")
        GenericContainer<?> s3 = new GenericContainer<>(DockerImageName.parse(ContainerEngine.S3PROXY_IMAGE))
                .withNetwork(lab.network()).withNetworkAliases("s3")
                .waitingFor(Wait.forLogMessage(".*Started Server@.*\\n", 1))
                .withEnv(Map.of("S3PROXY_ACCESS_KEY", "backup-writer", "S3PROXY_SECRET_KEY", "s3-secret-key",
                        "S3PROXY_KEYSTORE", "/certs/keystore.p12", "S3PROXY_KEYSTORE_PASSWORD", STORE_PASSWORD));
        Lab.mount(s3, Map.of(certs.toString(), "/certs"));
        Steps.say("docker run -d --network-alias s3 -v " + certs + ":/certs -e S3PROXY_KEYSTORE=/certs/keystore.p12 "
                + ContainerEngine.S3PROXY_IMAGE);
        s3.start();
        Steps.say("docker exec s3 mkdir -p /data/backups");
        assertThat(s3.execInContainer("mkdir", "-p", "/data/backups").getExitCode()).isZero();
        return s3;
    }

    /** The controller's settings for {@code app} to {@code BACKUP_TARGET=local,s3}, trusting the server's certificate. */
    private static Map<String, String> env(Pg app, String schedule) {
        Map<String, String> env = scheduledToLocalAndS3(schedule, "proj");
        env.put("DATABASE_LIST", "app-db");
        env.putAll(app.env("app-db"));
        return env;
    }

    /** {@code start} in production on a schedule, to {@code local,s3} (the bucket {@code backups} of {@link #s3Server}). */
    static Map<String, String> scheduledToLocalAndS3(String schedule, String prefix) {
        Map<String, String> env = new HashMap<>(Map.of("MODE", "production", "BACKUP_SCHEDULE", schedule,
                "BACKUP_TARGET", "local,s3", "S3_BUCKET", "backups", "S3_PREFIX", prefix, "S3_ENDPOINT",
                "https://s3:9443", "S3_REGION", "us-east-1", "S3_FORCE_PATH_STYLE", "true"));
        env.put("S3_ACCESS_KEY_ID", "backup-writer");
        env.put("S3_SECRET_ACCESS_KEY", "s3-secret-key");
        env.put("JAVA_OPTS", "-Djavax.net.ssl.trustStore=/certs/truststore.p12 -Djavax.net.ssl.trustStorePassword="
                + STORE_PASSWORD + " -Djavax.net.ssl.trustStoreType=PKCS12");
        return env;
    }

    @Test
    void localAndS3OverTlsFromTheImageThenListAndRestoreFromTheBucketAlone(@TempDir Path dir) throws Exception {
        Path certs = certificates(dir);
        GenericContainer<?> s3 = s3Server(lab, certs);
        try {
            Pg app = lab.postgres("app-db", "app", "app-secret", "app", null);
            app.fill(2500);
            String before = app.fingerprint();

            Map<String, String> env = env(app, "0 0 1 1 *");
            Map<String, String> certMount = Map.of(certs.toString(), "/certs");
            Map<String, String> mounts = new HashMap<>(certMount);
            mounts.put(lab.volume("s3-local"), "/var/lib/postgresql/backup/data/app-db");
            Controller both = lab.controller("both", env, mounts, c -> { });
            String archive;
            try {
                Controller.Run dump = both.run("dump", "app-db");
                assertThat(dump.exitCode()).as(dump.toString()).isZero();
                archive = both.archives("app-db").get(0);
                assertThat(both.run("list", "--long", "app-db").stdout()).contains("local,s3");
            } finally {
                both.close();
            }
            var objects = s3.execInContainer("ls", "/data/backups/proj/app-db");
            assertThat(objects.getStdout()).contains(archive).contains(archive + ".manifest.json");

            env.put("BACKUP_TARGET", "s3");
            try (Controller bucketOnly = lab.controller("bucket-only", env, certMount, c -> { })) {
                assertThat(bucketOnly.archives("app-db")).containsExactly(archive);
                app.sql("DELETE FROM items WHERE id > 100");
                Controller.Run restore = bucketOnly.run("restore", "app-db", archive);
                assertThat(restore.exitCode()).as(restore.toString()).isZero();
                assertThat(app.fingerprint()).isEqualTo(before);
                Controller.Run verify = bucketOnly.run("verify", "app-db", archive);
                assertThat(verify.stdout()).contains(archive + " in s3: ok");
            }
        } finally {
            Steps.say("docker rm -f s3");
            s3.stop();
        }
    }

    /**
     * Catch-up from the image: the bucket's container stopped for two scheduled runs (each
     * stores its archive locally and counts as incomplete), then started again; the next run
     * copies both missed archives to the bucket, where verify reads every archive.
     */
    @Test
    void theBucketStoppedForTwoScheduledRunsGetsTheirArchivesOnTheRunAfterItIsBack(@TempDir Path dir)
            throws Exception {
        Path certs = certificates(dir);
        GenericContainer<?> s3 = s3Server(lab, certs);
        try {
            Pg app = lab.postgres("lag-db", "app", "app-secret", "app", null);
            app.fill(500);
            Map<String, String> env = env(app, "*/20 * * * * *");
            Map<String, String> mounts = Map.of(certs.toString(), "/certs", lab.volume("lag-local"),
                    "/var/lib/postgresql/backup/data/app-db");
            try (Controller scheduled = lab.controller("scheduled", env, mounts, c -> { })) {
                waitForRuns(scheduled, "result=ok", 1);
                Steps.say("docker stop s3");
                lab.client().stopContainerCmd(s3.getContainerId()).exec();
                waitForRuns(scheduled, "result=incomplete [s3]", 2);
                Steps.say("docker start s3");
                lab.client().startContainerCmd(s3.getContainerId()).exec();
                waitForRuns(scheduled, "result=ok", 2);

                List<String> archives = scheduled.archives("app-db");
                assertThat(archives).hasSizeGreaterThanOrEqualTo(4);
                Controller.Run verify = scheduled.run("verify", "app-db", "--all");
                assertThat(verify.exitCode()).as(verify.toString()).isZero();
                for (String archive : archives) {
                    assertThat(verify.stdout()).contains(archive + " in local: ok", archive + " in s3: ok");
                }
                assertThat(scheduled.run("list", "--long", "app-db").stdout()).doesNotContain("MISSING");
                assertThat(scheduled.logs()).contains("copied ").contains(" from local to s3");
            }
        } finally {
            Steps.say("docker rm -f s3");
            s3.stop();
        }
    }

    /** Waits until the controller's log holds {@code count} run lines ending in {@code result}. */
    private static void waitForRuns(Controller controller, String result, int count) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(240);
        while (controller.logs().lines().filter(l -> l.contains(" run ") && l.contains(result)).count() < count) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("no " + count + " runs with " + result + " within 240 s:\n" + controller.logs());
            }
            Thread.sleep(500);
        }
    }
}
