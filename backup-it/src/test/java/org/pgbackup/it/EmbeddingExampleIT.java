package org.pgbackup.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Embedding backup-core" example, as an embedder has it: its own project
 * (src/it/embedding-example), built by maven-invoker against the installed backup-core and
 * backup-storage-local alone, run in a JVM of its own against a real server.
 */
class EmbeddingExampleIT {
    private static final Path SOURCE = Path.of("backup-it/src/it/embedding-example/src/main/java/example/Example.java");

    @RegisterExtension
    static ClusterExtension users = new ClusterExtension("users", "backup", "backup-pw", "users", 500);

    @TempDir
    Path root;

    private static Path project() {
        Path dir = Path.of(System.getProperty("embedding.example.dir", "missing"));
        assertThat(dir.resolve("target/classes")).as("the example project, built by maven-invoker-plugin in"
                + " pre-integration-test").isDirectory();
        return dir;
    }

    @Test
    void theReadmeExampleInAProjectOfItsOwnDumpsRestoresAndCancelsAndItsDigestIsTheStoredFiles() throws IOException {
        String before = SampleData.fingerprint(users.cluster());
        String java = ProcessHandle.current().info().command().orElse("java");
        String classPath = project().resolve("target/classes") + File.pathSeparator
                + project().resolve("target/dependency/*");
        ProcessBuilder builder = new ProcessBuilder(java, "-cp", classPath, "example.Example", root.toString(),
                users.cluster().host(), String.valueOf(users.cluster().port()));
        builder.environment().put("USERS_PASSWORD", "backup-pw");

        Exec.Result run = Exec.run(builder, null);

        assertThat(run.exitCode()).as(run.stdout() + run.stderr()).isZero();
        assertThat(SampleData.fingerprint(users.cluster())).isEqualTo(before);
        List<Path> archives;
        try (var files = Files.list(root.resolve("data/users"))) {
            archives = files.filter(p -> p.getFileName().toString().endsWith(".dump.zst")).sorted().toList();
        }
        assertThat(archives).as("the first dump; the cancelled one left nothing, or finished before the cancel")
                .hasSizeBetween(1, 2);
        Matcher printed = Pattern.compile("verified sha256 ([0-9a-f]+)").matcher(run.stdout());
        assertThat(printed.find()).as(run.stdout()).isTrue();
        assertThat(printed.group(1)).as("the restored archive's digest, as sha256sum reads the stored file")
                .isEqualTo(Sha256Sum.of(archives.get(0)));
        if (archives.size() == 1) {
            assertThat(run.stdout()).contains("cancelled (CANCELLED): The dump of service 'users' was cancelled");
        }
        assertThat(run.stderr()).as("what an embedder's console shows besides its own log")
                .doesNotContain("SLF4J").doesNotContain("LOGGER WARN").doesNotContain("No logging framework");
        assertThat(run.stderr() + run.stdout()).doesNotContain("backup-pw");
    }

    @Test
    void theReadmeQuotesTheExampleWithItsImports() throws IOException {
        Path repository = Path.of(System.getProperty("repository.root", "."));
        String source = Files.readString(repository.resolve(SOURCE));
        String imports = between(source, "// README:imports-begin\n", "// README:imports-end");
        String example = between(source, "// README:begin\n", "// README:end").stripIndent();
        String readme = Files.readString(repository.resolve("README.md"));
        assertThat(readme).contains("```java\n" + imports + "\n" + example + "```");
    }

    private static String between(String text, String begin, String end) {
        return text.substring(text.indexOf(begin) + begin.length(), text.indexOf(end));
    }
}
