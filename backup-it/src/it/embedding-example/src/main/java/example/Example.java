package example;

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
 * The README's embedding example, as an embedder would write it. {@code main} backs up the
 * database {@code users} at HOST:PORT as user {@code backup}, whose password comes from the
 * environment ({@code USERS_PASSWORD}, never the command line), into BACKUP_ROOT, restores
 * it, and prints the SHA-256 the restore checked.
 */
public final class Example {
    private Example() {
    }

    public static void main(String[] args) throws Exception {
        String sha = backUpAndRestore(Path.of(args[0]), args[1], Integer.parseInt(args[2]),
                System.getenv("USERS_PASSWORD").toCharArray());
        System.out.println("verified sha256 " + sha);
    }

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
}
