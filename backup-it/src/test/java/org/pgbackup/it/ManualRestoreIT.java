package org.pgbackup.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Runs exactly the commands of the README's "Restoring by hand", with the stock
 * {@code zstd} and {@code pg_restore}, on an archive of every form.
 */
class ManualRestoreIT {
    static final Path README = ContainerFilesIT.ROOT.resolve("README.md");

    @RegisterExtension
    static ClusterExtension app = new ClusterExtension("app", "erin", "By-Hand-Pa55", "handdb", 2000);
    static ControllerProcess controller = ControllerProcess.fromSystemProperty();

    @TempDir
    Path root;

    /** The shell block after a README marker such as {@code <!-- manual-restore:zst -->}. */
    static String documentedCommands(String marker) throws IOException {
        Matcher block = Pattern.compile("<!-- manual-restore:" + marker + " -->\\s*```bash\\n(.*?)```", Pattern.DOTALL)
                .matcher(Files.readString(README));
        assertThat(block.find()).as("README block " + marker).isTrue();
        return block.group(1);
    }

    @ParameterizedTest(name = "BACKUP_COMPRESSION={0}")
    @CsvSource({"zstd, zst", "gzip, dump", "none, dump"})
    void theDocumentedCommandsRestoreEveryForm(String compression, String marker) throws IOException {
        PgCluster cluster = app.cluster();
        String original = SampleData.fingerprint(cluster);
        Map<String, String> env = app.env(root);
        env.put("BACKUP_COMPRESSION", compression);
        ControllerProcess.Run dump = controller.run(env, "dump", "app");
        assertThat(dump.exitCode()).as(dump.toString()).isZero();
        String archive = controller.run(env, "list", "app").stdout().lines().findFirst().orElseThrow();
        assertThat(archive).endsWith(marker.equals("zst") ? ".dump.zst" : ".dump");
        SampleData.damage(cluster);

        ProcessBuilder shell = new ProcessBuilder("bash", "-euo", "pipefail", "-c", documentedCommands(marker));
        Map<String, String> shellEnv = shell.environment();
        shellEnv.putAll(cluster.shellEnvironment());
        shellEnv.put("ARCHIVE", root.resolve("data/app").resolve(archive).toString());
        Exec.Result result = Exec.run(shell, "");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(SampleData.fingerprint(cluster)).isEqualTo(original);
    }
}
