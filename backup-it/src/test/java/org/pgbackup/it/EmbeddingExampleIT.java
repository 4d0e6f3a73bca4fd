package org.pgbackup.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
// README:imports-begin
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.pgbackup.PgBackup;
import org.pgbackup.compression.Compression;
import org.pgbackup.controller.BackupController;
import org.pgbackup.controller.Cancellation;
import org.pgbackup.controller.DumpOptions;
import org.pgbackup.controller.DumpResult;
import org.pgbackup.controller.ProgressListener;
import org.pgbackup.controller.RestoreOptions;
import org.pgbackup.controller.RestoreResult;
import org.pgbackup.error.CancelledException;
// README:imports-end

/**
 * The README's "Embedding backup-core" example, compiled and run against a real server.
 * The README quotes the lines between the markers, and the test checks that it still does.
 */
class EmbeddingExampleIT {
    @RegisterExtension
    static ClusterExtension users = new ClusterExtension("users", "backup", "backup-pw", "users", 500);

    @TempDir
    Path root;

    // README:begin
    static String backUpAndRestore(Path backupRoot, String host, int port, char[] password) throws Exception {
        try (BackupController client = PgBackup.configure()
                .backupRoot(backupRoot)
                .service("users", s -> s.host(host).port(port).user("backup").password(password).database("users"))
                .storage("local")
                .compression(Compression.parse("zstd:6"))
                .load()) {
            DumpResult dump = client.dump("users");
            System.out.printf("%s: %d bytes, sha256 %s, in %s%n", dump.name(), dump.size(), dump.sha256(),
                    dump.storedIn());

            ProgressListener progress = new ProgressListener() {
                @Override
                public void phase(String service, Phase phase) {
                    System.out.println(service + ": " + phase);
                }
            };
            RestoreResult restored = client.restore("users", dump.name().fileName(),
                    RestoreOptions.defaults().progress(progress));
            System.out.println("restored " + restored.archive() + " from " + restored.source());

            // Cancel one operation from any thread: its pg_dump stops, no partial archive is
        // kept, and the client and its other operations go on.
        Cancellation cancellation = new Cancellation();
        ExecutorService worker = Executors.newSingleThreadExecutor();
        Future<DumpResult> running = worker.submit(() -> client.dump("users",
                DumpOptions.defaults().cancellation(cancellation)));
        cancellation.cancel();
        try {
            running.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof CancelledException cancelled) {
                System.out.println("cancelled (" + cancelled.code() + "): " + cancelled.getMessage());
            }
        } finally {
            worker.shutdown();
        }
            return restored.verifiedSha256().orElseThrow();
        }
    }
    // README:end

    @Test
    void theReadmeExampleDumpsRestoresAndCancels() throws Exception {
        String before = SampleData.fingerprint(users.cluster());
        String sha = backUpAndRestore(root, users.cluster().host(), users.cluster().port(),
                "backup-pw".toCharArray());

        assertThat(SampleData.fingerprint(users.cluster())).isEqualTo(before);
        List<Path> archives;
        try (var files = Files.list(root.resolve("data/users"))) {
            archives = files.filter(p -> p.getFileName().toString().endsWith(".dump.zst")).sorted().toList();
        }
        assertThat(archives).as("the first dump; the cancelled one left nothing, or finished before the cancel")
                .hasSizeBetween(1, 2);
        assertThat(sha).as("the restored archive's digest, as sha256sum reads the stored file")
                .isEqualTo(Sha256Sum.of(archives.get(0)));
    }

    @Test
    void theReadmeQuotesThisExampleWithItsImports() throws IOException {
        String source = Files.readString(Path.of(System.getProperty("repository.root", "."), "backup-it/src/test/java",
                "org/pgbackup/it/EmbeddingExampleIT.java"));
        String imports = between(source, "// README:imports-begin\n", "// README:imports-end");
        String example = between(source, "// README:begin\n", "// README:end").stripIndent();
        String readme = Files.readString(Path.of(System.getProperty("repository.root", "."), "README.md"));
        assertThat(readme).contains("```java\n" + imports + "\n" + example + "```");
    }

    private static String between(String text, String begin, String end) {
        return text.substring(text.indexOf(begin) + begin.length(), text.indexOf(end));
    }
}
