package org.pgbackup.it.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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
    private static Path certificates(Path dir) throws IOException {
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

    @Test
    void localAndS3OverTlsFromTheImageThenListAndRestoreFromTheBucketAlone(@TempDir Path dir) throws Exception {
        Path certs = certificates(dir);
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
        try {
            Steps.say("docker exec s3 mkdir -p /data/backups");
            assertThat(s3.execInContainer("mkdir", "-p", "/data/backups").getExitCode()).isZero();
            Pg app = lab.postgres("app-db", "app", "app-secret", "app", null);
            app.fill(2500);
            String before = app.fingerprint();

            Map<String, String> env = new HashMap<>(Map.of("DATABASE_LIST", "app-db", "MODE", "production",
                    "BACKUP_SCHEDULE", "0 0 1 1 *", "BACKUP_TARGET", "local,s3", "S3_BUCKET", "backups",
                    "S3_PREFIX", "proj", "S3_ENDPOINT", "https://s3:9443", "S3_REGION", "us-east-1",
                    "S3_FORCE_PATH_STYLE", "true"));
            env.put("S3_ACCESS_KEY_ID", "backup-writer");
            env.put("S3_SECRET_ACCESS_KEY", "s3-secret-key");
            env.put("JAVA_OPTS", "-Djavax.net.ssl.trustStore=/certs/truststore.p12 -Djavax.net.ssl.trustStorePassword="
                    + STORE_PASSWORD + " -Djavax.net.ssl.trustStoreType=PKCS12");
            env.putAll(app.env("app-db"));
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
}
