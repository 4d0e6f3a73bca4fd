package org.pgbackup.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's class-data archive for dumps: the first successful {@code dump} of a jar
 * writes it as it exits, later dumps start from it, a failed dump leaves none, a plugin
 * jar newer than it makes the next dump write it again, and none of it shows on standard error.
 */
class LauncherClassDataIT {
    @RegisterExtension
    static ClusterExtension app = new ClusterExtension("app", "lena", "lena-pw", "app", 50);

    @TempDir
    Path root;

    /** A copy of the built jar in a directory of its own, so that no archive exists yet. */
    private Path freshJar() throws IOException {
        Path dir = Files.createDirectories(root.resolve("jar"));
        return Files.copy(ControllerProcess.jarPath(), dir.resolve("controller.jar"));
    }

    private Exec.Result dump(Path jar, Map<String, String> env) throws IOException {
        env.put("CONTROLLER_JAR", jar.toString());
        return Launcher.run(root.resolve("plugins"), env, "dump", "app");
    }

    @Test
    void theFirstDumpWritesTheArchiveThatLaterDumpsStartFrom() throws IOException {
        Path jar = freshJar();
        Map<String, String> env = app.env(root.resolve("backup"));

        Exec.Result first = dump(jar, env);
        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(jar.resolveSibling("controller.jar.dump.jsa")).isNotEmptyFile();
        Exec.Result second = dump(jar, env);
        assertThat(second.exitCode()).as(second.toString()).isZero();

        for (Exec.Result run : List.of(first, second)) {
            assertThat(run.stderr()).doesNotContain("[cds]").doesNotContain("warning");
            assertThat(run.stdout()).contains("stored in local");
        }
        try (Stream<Path> files = Files.list(root.resolve("backup/data/app"))) {
            assertThat(files.filter(p -> p.getFileName().toString().endsWith(".dump.zst"))).hasSize(2);
        }
        assertThat(leftovers(jar)).isEmpty();
    }

    @Test
    void aFailedDumpLeavesNoArchiveAndKeepsItsExitStatus() throws IOException {
        Path jar = freshJar();
        Map<String, String> env = app.env(root.resolve("backup"));
        env.put("APP_POSTGRES_PASSWORD", "wrong");

        Exec.Result failed = dump(jar, env);

        assertThat(failed.exitCode()).as(failed.toString()).isEqualTo(1);
        assertThat(failed.stderr()).contains("error:").doesNotContain("[cds]");
        assertThat(jar.resolveSibling("controller.jar.dump.jsa")).doesNotExist();
        assertThat(leftovers(jar)).isEmpty();
    }

    /**
     * A plugin installed or replaced after the archive was made: the next dump makes the
     * archive again, with no warning about an archive that no longer fits.
     */
    @Test
    void aPluginJarNewerThanTheArchiveMakesTheNextDumpRetrainIt() throws IOException {
        Path jar = freshJar();
        Map<String, String> env = app.env(root.resolve("backup"));
        Path archive = jar.resolveSibling("controller.jar.dump.jsa");
        assertThat(dump(jar, env).exitCode()).isZero();
        // Dated back, the jar a day before its archive, so that only a plugin can be newer.
        Files.setLastModifiedTime(jar, java.nio.file.attribute.FileTime.fromMillis(0));
        java.nio.file.attribute.FileTime trained = java.nio.file.attribute.FileTime.fromMillis(86_400_000L);
        Files.setLastModifiedTime(archive, trained);
        Exec.Result unchanged = dump(jar, env);
        assertThat(unchanged.exitCode()).as(unchanged.toString()).isZero();
        assertThat(Files.getLastModifiedTime(archive)).as("no plugin changed: the archive is used as it is")
                .isEqualTo(trained);

        Plugins.install("sftp.plugin.dir", root.resolve("plugins"), "sftp");
        Exec.Result retrained = dump(jar, env);

        assertThat(retrained.exitCode()).as(retrained.toString()).isZero();
        assertThat(retrained.stderr()).doesNotContain("[cds]").doesNotContain("warning")
                .doesNotContain("Unable to use shared archive");
        assertThat(Files.getLastModifiedTime(archive)).as("a plugin jar newer than the archive: made again")
                .isNotEqualTo(trained);
        assertThat(leftovers(jar)).isEmpty();
    }

    /** Half-written archives of training runs. */
    private static List<Path> leftovers(Path jar) throws IOException {
        try (Stream<Path> files = Files.list(jar.getParent())) {
            return files.filter(p -> p.getFileName().toString().matches("controller\\.jar\\.dump\\.jsa\\..+"))
                    .toList();
        }
    }
}
