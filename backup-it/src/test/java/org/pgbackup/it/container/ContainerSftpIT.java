package org.pgbackup.it.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * SFTP from inside the image: the image's own SFTP plugin (/opt/pg-backup/plugins/sftp, in a
 * class loader of its own) sends the archive to an OpenSSH server in a container, whose host
 * key the controller checks against a known_hosts file; then restores from it.
 */
@ExtendWith(ContainerEngine.class)
class ContainerSftpIT {
    @RegisterExtension
    static final Lab lab = new Lab();

    @Test
    void theImagesSftpPluginStoresOnAnOpenSshServerAndRestoresFromIt(@TempDir Path dir) throws Exception {
        @SuppressWarnings("resource")
        GenericContainer<?> sshd = new GenericContainer<>(DockerImageName.parse(ContainerEngine.SSHD_IMAGE))
                .withNetwork(lab.network()).withNetworkAliases("sftp")
                .waitingFor(Wait.forLogMessage(".*Server listening on.*\\n", 1));
        Steps.say("docker run -d --network-alias sftp " + ContainerEngine.SSHD_IMAGE);
        sshd.start();
        try {
            ExecResult keys = sshd.execInContainer("sh", "-c", "cat /etc/ssh/ssh_host_*_key.pub");
            assertThat(keys.getExitCode()).isZero();
            Path known = Files.createDirectory(dir.resolve("known"));
            Path knownHosts = known.resolve("known_hosts");
            Files.write(knownHosts, keys.getStdout().lines().map(line -> "sftp " + line).toList());
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.setPosixFilePermissions(known, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.setPosixFilePermissions(knownHosts, PosixFilePermissions.fromString("rw-r--r--"));
            Pg app = lab.postgres("app-db", "app", "app-secret", "app", null);
            app.fill(2000);
            String before = app.fingerprint();

            Map<String, String> env = new HashMap<>(Map.of("DATABASE_LIST", "app-db", "MODE", "production",
                    "BACKUP_SCHEDULE", "0 0 1 1 *", "BACKUP_TARGET", "sftp", "SFTP_HOST", "sftp", "SFTP_USER", "pgbackup",
                    "SFTP_KNOWN_HOSTS", "/known/known_hosts", "SFTP_PATH", "/home/pgbackup/backups"));
            env.put("SFTP_PASSWORD", "sftp-secret-pw");
            env.putAll(app.env("app-db"));
            try (Controller controller = lab.controller("to-sftp", env, Map.of(known.toString(), "/known"), c -> { })) {
                Controller.Run dump = controller.run("dump", "app-db");
                assertThat(dump.exitCode()).as(dump.toString()).isZero();
                assertThat(dump.stdout() + dump.stderr()).doesNotContain("sftp-secret-pw").doesNotContain("SLF4J");
                List<String> archives = controller.archives("app-db");
                assertThat(archives).hasSize(1);
                String archive = archives.get(0);
                String stored = "/home/pgbackup/backups/app-db/" + archive;
                ExecResult sum = sshd.execInContainer("sha256sum", stored);
                assertThat(sum.getExitCode()).as(sum.getStderr()).isZero();
                ExecResult manifest = sshd.execInContainer("cat", stored + ".manifest.json");
                Matcher sha = Pattern.compile("\"sha256\" : \"([0-9a-f]+)\"").matcher(manifest.getStdout());
                assertThat(sha.find()).as(manifest.getStdout()).isTrue();
                assertThat(sum.getStdout()).startsWith(sha.group(1) + " ");

                app.sql("DELETE FROM items WHERE id > 100");
                Controller.Run restore = controller.run("restore", "app-db", archive);
                assertThat(restore.exitCode()).as(restore.toString()).isZero();
                assertThat(app.fingerprint()).isEqualTo(before);
            }
        } finally {
            Steps.say("docker rm -f sftp");
            sshd.stop();
        }
    }
}
