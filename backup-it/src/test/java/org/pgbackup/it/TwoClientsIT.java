package org.pgbackup.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.pgbackup.config.Configuration;
import org.pgbackup.controller.BackupController;
import org.pgbackup.controller.DumpResult;
import org.pgbackup.error.CancelledException;

/**
 * Two controllers embedded in one JVM: each owns the programs it starts, so cancelling one
 * mid-dump stops only its own {@code pg_dump}, leaves no partial archive, and the other,
 * and a new one, go on working.
 */
class TwoClientsIT {
    private static final Duration BOUND = Duration.ofSeconds(60);

    @RegisterExtension
    static ClusterExtension slow = new ClusterExtension("slow", "sara", "sara-pw", "slowdb", 2000);
    @RegisterExtension
    static ClusterExtension fast = new ClusterExtension("fast", "fred", "fred-pw", "fastdb", 2000);

    @TempDir
    Path root;

    private static Configuration config(ClusterExtension cluster, Path root) {
        Map<String, String> env = cluster.env(root);
        return Configuration.from(env);
    }

    @Test
    void cancellingOneClientMidDumpStopsOnlyItsOwnDumpAndLeavesNoPartialArchive() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try (BackupController first = BackupController.open(config(slow, root.resolve("first")));
                BackupController second = BackupController.open(config(fast, root.resolve("second")))) {
            try (AutoCloseable lock = slow.cluster().holdLock("customers")) {
                Future<DumpResult> stalled = threads.submit(() -> first.dump("slow"));
                Waiting.until("the first client's pg_dump to wait for the table lock", BOUND,
                        () -> slow.cluster().controllerWaitsForLock(), () -> "");
                Future<DumpResult> running = threads.submit(() -> second.dump("fast"));

                first.cancel();

                assertThatThrownBy(() -> stalled.get(BOUND.toSeconds(), TimeUnit.SECONDS))
                        .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(CancelledException.class);
                DumpResult other = running.get(BOUND.toSeconds(), TimeUnit.SECONDS);
                assertThat(other.complete()).as("the other client's dump").isTrue();
            }
            assertThat(first.list("slow").archives()).as("no partial archive listed").isEmpty();
            assertThat(Trees.names(root.resolve("first/data/slow"))).as("nor left on disk").isEmpty();
            assertThat(second.list("fast").archives()).hasSize(1);
            assertThat(second.dump("fast").complete()).as("a later dump on the other client").isTrue();
            assertThat(second.list("fast").archives()).hasSize(2);
        } finally {
            threads.shutdownNow();
        }
        try (BackupController fresh = BackupController.open(config(slow, root.resolve("first")))) {
            assertThat(fresh.dump("slow").complete()).as("a new client on the same service").isTrue();
            assertThat(fresh.list("slow").archives()).hasSize(1);
        }
    }
}
