package org.pgbackup.it.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.pgbackup.it.AgeKey;
import org.testcontainers.images.builder.Transferable;

/**
 * The image itself: how much it adds to its PostgreSQL base, and every command of the CLI run
 * for real in it, with the small Java runtime it links (docker/runtime-modules) and the
 * class-data archive made at build time. {@code start} runs in every controller container of
 * the suite, {@code resetwal} in {@link ContainerResetWalIT}, {@code sync} with two destinations in
 * {@link ContainerS3IT}; the others run here, on an
 * encrypted service, so that age, zstd, TLS-free JDBC and the drill's row counts are all
 * exercised without the modules the image leaves out.
 */
@ExtendWith(ContainerEngine.class)
class ContainerImageIT {
    /** The goal: at most this much over the PostgreSQL image it builds on. */
    static final long MAX_OVER_BASE = 70_000_000;
    static final String DATA = "/var/lib/postgresql/backup/data/";
    static final String SHARED = "/var/lib/postgresql/backup/shared";

    @RegisterExtension
    static final Lab lab = new Lab();

    @Test
    void theImageAddsAtMost70MbToItsPostgresBase() {
        long image = lab.client().inspectImageCmd(ContainerEngine.CONTROLLER_IMAGE).exec().getSize();
        long base = lab.client().inspectImageCmd(ContainerEngine.POSTGRES_IMAGE).exec().getSize();
        System.out.println("== Image " + ContainerEngine.CONTROLLER_IMAGE + ": " + image / 1_000_000 + " MB, "
                + (image - base) / 1_000_000 + " MB over its PostgreSQL base " + ContainerEngine.POSTGRES_IMAGE
                + " (goal: at most " + MAX_OVER_BASE / 1_000_000 + " MB)");
        assertThat(image - base).as("bytes the image adds to %s", ContainerEngine.POSTGRES_IMAGE)
                .isPositive().isLessThanOrEqualTo(MAX_OVER_BASE);
    }

    @Test
    void everyCommandRunsInTheImageOnAnEncryptedService(@TempDir Path dir) throws IOException {
        Pg app = lab.appServer();
        AgeKey key = AgeKey.generate(dir.resolve("key.txt"));
        Map<String, String> env = new HashMap<>(Map.of("DATABASE_LIST", "app-db", "MODE", "production",
                "SERVER", "production", "BACKUP_SCHEDULE", "0 0 1 1 *", "BACKUP_ENCRYPTION", "age",
                "AGE_RECIPIENTS", key.publicKey(), "AGE_IDENTITY_FILE", "/run/age-key"));
        env.putAll(app.env("app-db"));
        Map<String, String> mounts = Map.of(lab.volume("app-backup"), DATA + "app-db", lab.volume("shared"), SHARED);
        byte[] identity = Files.readAllBytes(key.identityFile());
        try (Controller controller = lab.controller("every-command", env, mounts,
                c -> c.withCopyToContainer(Transferable.of(identity, 0444), "/run/age-key"))) {
            String before = app.fingerprint();
            String help = controller.run("--help").ok().stdout();
            assertThat(help).contains("dump", "list", "verify", "restore", "restore-from-shared", "drill", "health",
                    "start", "resetwal", "sync");

            controller.run("dump", "app-db", "--shared").ok();
            List<String> archives = controller.archives("app-db");
            assertThat(archives).hasSize(1);
            String archive = archives.get(0);
            assertThat(archive).endsWith(".dump.zst.age");
            assertThat(controller.run("list", "--long", "app-db").ok().stdout()).contains(archive);
            assertThat(controller.run("sync", "app-db", "--dry-run").ok().stdout())
                    .contains("app-db: every destination holds every archive");

            // The manifest's checksum against coreutils' sha256sum of the stored file, in the image.
            String stored = DATA + "app-db/" + archive;
            String sha256sum = controller.exec("sha256sum", stored).ok().stdout().split("\\s+")[0];
            Matcher manifest = Pattern.compile("\"sha256\"\\s*:\\s*\"([0-9a-f]{64})\"")
                    .matcher(controller.exec("cat", stored + ".manifest.json").ok().stdout());
            assertThat(manifest.find()).isTrue();
            assertThat(manifest.group(1)).isEqualTo(sha256sum);
            assertThat(controller.run("verify", "app-db", archive).ok().stdout()).contains(archive + " in local: ok");

            app.sql("DELETE FROM items WHERE id % 2 = 0; SELECT setval('tickets', 7)");
            assertThat(app.fingerprint()).isNotEqualTo(before);
            controller.run("restore", "app-db", archive).ok();
            assertThat(app.fingerprint()).isEqualTo(before);

            assertThat(controller.run("drill", "app-db").ok().stdout())
                    .contains("app-db: drill passed: " + archive, "row counts equal to the dump's");
            assertThat(controller.run("health").ok().stdout()).startsWith("app-db: ");

            app.sql("UPDATE items SET name = 'changed'");
            assertThat(app.fingerprint()).isNotEqualTo(before);
            controller.run("restore-from-shared", "app-db").ok();
            assertThat(app.fingerprint()).isEqualTo(before);
        }
    }
}
