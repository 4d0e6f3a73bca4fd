package org.pgbackup.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every {@code BACKUP_COMPRESSION} form through dump, list, verify and restore; the shared
 * copy's two names; and files whose bytes do not match their names.
 */
class CompressionIT {
    static final String ZSTD_MAGIC = "28b52ffd";
    static final String CUSTOM_MAGIC = HexFormat.of().formatHex("PGDMP".getBytes());

    @RegisterExtension
    static ClusterExtension app = new ClusterExtension("app", "carol", "C0mpress-Pa55", "appdb", 3000);
    static ControllerProcess controller = ControllerProcess.fromSystemProperty();

    @TempDir
    Path root;
    PgCluster cluster;
    String original;

    @BeforeEach
    void fingerprint() {
        cluster = app.cluster();
        original = SampleData.fingerprint(cluster);
    }

    private Map<String, String> env(String compression) {
        Map<String, String> env = app.env(root);
        if (!compression.isEmpty()) {
            env.put("BACKUP_COMPRESSION", compression);
        }
        return env;
    }

    /** Dumps with a compression and returns the new archive's name, the newest. */
    private String dump(String compression, String... flags) {
        Map<String, String> env = env(compression);
        String[] args = new String[2 + flags.length];
        args[0] = "dump";
        args[1] = "app";
        System.arraycopy(flags, 0, args, 2, flags.length);
        controller.ok(env, args);
        return controller.ok(env, "list", "app").stdout().lines().findFirst().orElseThrow();
    }

    static String magic(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return HexFormat.of().formatHex(in.readNBytes(4));
        }
    }

    @ParameterizedTest(name = "BACKUP_COMPRESSION=''{0}''")
    // The default, every level of bench/run's level curve (1 to 6), and one far beyond it.
    @CsvSource({"'', .dump.zst, zstd:1", "zstd:1, .dump.zst, zstd:1", "zstd:2, .dump.zst, zstd:2",
        "zstd:3, .dump.zst, zstd:3", "zstd:4, .dump.zst, zstd:4", "zstd:5, .dump.zst, zstd:5",
        "zstd:6, .dump.zst, zstd:6", "zstd:12, .dump.zst, zstd:12",
        "gzip, .dump, gzip:6", "gzip:1, .dump, gzip:1", "none, .dump, none"})
    void everyFormRoundTripsThroughVerifyAndRestore(String compression, String extension, String recorded)
            throws IOException {
        String archive = dump(compression);

        assertThat(archive).endsWith(extension).doesNotEndWith(extension.equals(".dump") ? ".zst" : "x");
        Path file = root.resolve("data/app").resolve(archive);
        assertThat(magic(file)).isEqualTo(extension.equals(".dump.zst") ? ZSTD_MAGIC : CUSTOM_MAGIC.substring(0, 8));
        assertThat(root.resolve("data/app").resolve(archive + ".manifest.json")).content()
                .contains("\"compression\" : \"" + recorded + "\"");
        assertThat(controller.ok(env(compression), "verify", "app", archive).stdout()).contains("ok");

        SampleData.damage(cluster);
        assertThat(SampleData.fingerprint(cluster)).isNotEqualTo(original);
        // Restored under the default setting: the archive's own form decides how it is read.
        controller.ok(env(""), "restore", "app", archive);
        assertThat(SampleData.fingerprint(cluster)).isEqualTo(original);
    }

    @Test
    void zstdAndGzipArchivesAreSmallerThanUncompressedOnes() throws IOException {
        long none = Files.size(root.resolve("data/app").resolve(dump("none")));
        long gzip = Files.size(root.resolve("data/app").resolve(dump("gzip")));
        long zstd = Files.size(root.resolve("data/app").resolve(dump("zstd")));
        assertThat(zstd).isLessThan(none / 2);
        assertThat(gzip).isLessThan(none / 2);
        assertThat(controller.ok(env(""), "list", "app").stdout().lines()).hasSize(3);
    }

    @Test
    void theSharedCopyHasOneFormAtATimeAndRestoresFromEither() {
        Path shared = root.resolve("shared/app");
        dump("", "--shared");
        assertThat(shared.resolve("file.dump.zst")).isRegularFile();
        assertThat(shared.resolve("file.dump.zst.manifest.json")).isRegularFile();
        assertThat(shared.resolve("file.dump")).doesNotExist();
        SampleData.damage(cluster);
        assertThat(controller.ok(env(""), "restore-from-shared", "app").stdout()).contains("restored file.dump.zst");
        assertThat(SampleData.fingerprint(cluster)).isEqualTo(original);

        dump("gzip", "--shared");
        assertThat(shared.resolve("file.dump")).isRegularFile();
        assertThat(shared.resolve("file.dump.manifest.json")).isRegularFile();
        assertThat(shared.resolve("file.dump.zst")).doesNotExist();
        assertThat(shared.resolve("file.dump.zst.manifest.json")).doesNotExist();
        assertThat(shared.resolve("file.dump.zst.roles.sql")).doesNotExist();
        SampleData.damage(cluster);
        assertThat(controller.ok(env(""), "restore-from-shared", "app").stdout()).contains("restored file.dump");
        assertThat(SampleData.fingerprint(cluster)).isEqualTo(original);
    }

    /**
     * {@code file.dump} holding each form, without a manifest (as an operator drops it):
     * plain archives of either compression restore, a zstd one is refused by its magic bytes.
     */
    @Test
    void magicBytesDecideWhatAFileIsAndAMisnamedOneIsRefusedWithTheDatabaseUntouched() throws IOException {
        Path data = root.resolve("data/app");
        Path zstd = data.resolve(dump("zstd"));
        Path gzip = data.resolve(dump("gzip"));
        Path none = data.resolve(dump("none"));
        Path shared = root.resolve("shared/app");
        Files.createDirectories(shared);
        Path fileDump = shared.resolve("file.dump");

        for (Path plain : new Path[] {gzip, none}) {
            Files.copy(plain, fileDump, StandardCopyOption.REPLACE_EXISTING);
            SampleData.damage(cluster);
            controller.ok(env(""), "restore-from-shared", "app", "--force");
            assertThat(SampleData.fingerprint(cluster)).as(plain.toString()).isEqualTo(original);
        }

        SampleData.damage(cluster);
        String damaged = SampleData.fingerprint(cluster);
        Files.copy(zstd, fileDump, StandardCopyOption.REPLACE_EXISTING);
        refused(env(""), "file.dump of service 'app' in local:" + root.resolve("shared") + " was refused: its bytes are a zstd-compressed"
                + " archive but its name ends in .dump; rename it to file.dump.zst; nothing was restored",
                "restore-from-shared", "app", "--force");
        assertThat(SampleData.fingerprint(cluster)).isEqualTo(damaged);

        Files.delete(fileDump);
        Files.copy(none, shared.resolve("file.dump.zst"));
        refused(env(""), "its bytes are a plain custom-format archive but its name ends in .dump.zst; rename it to"
                + " file.dump", "restore-from-shared", "app", "--force");
        Files.writeString(shared.resolve("file.dump.zst"), "-- a SQL script, not an archive\n");
        refused(env(""), "it is neither a PostgreSQL custom-format archive nor a zstd-compressed one",
                "restore-from-shared", "app", "--force");
        assertThat(SampleData.fingerprint(cluster)).isEqualTo(damaged);

        // An archive renamed with its manifest: the checksum still matches, the magic bytes do not.
        String renamed = zstd.getFileName().toString().replace(".dump.zst", ".dump");
        Files.move(data.resolve(zstd.getFileName() + ".manifest.json"), data.resolve(renamed + ".manifest.json"));
        Files.move(zstd, data.resolve(renamed));
        Files.delete(none);
        Files.delete(data.resolve(none.getFileName() + ".manifest.json"));
        refused(env(""), "rename it to " + zstd.getFileName(), "restore", "app", renamed);
        ControllerProcess.Run verify = controller.run(env(""), "verify", "app", renamed);
        assertThat(verify.exitCode()).as(verify.toString()).isEqualTo(1);
        assertThat(verify.stdout()).contains("FAILED").contains("rename it to " + zstd.getFileName());
        assertThat(SampleData.fingerprint(cluster)).isEqualTo(damaged);
    }

    private static void refused(Map<String, String> env, String message, String... args) {
        ControllerProcess.Run run = controller.run(env, args);
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.errorLines()).as(run.toString()).singleElement().asString().contains(message);
    }
}
