package org.pgbackup.it.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.pgbackup.PgBackup;
import org.pgbackup.controller.BackupController;
import org.pgbackup.controller.Cancellation;
import org.pgbackup.controller.DumpOptions;
import org.pgbackup.controller.DumpResult;
import org.pgbackup.controller.ProgressListener;
import org.pgbackup.controller.ProgressListener.Phase;
import org.pgbackup.controller.RestoreOptions;
import org.pgbackup.error.CancelledException;
import org.pgbackup.error.ErrorCode;
import org.pgbackup.storage.testkit.InMemoryStorageProvider;

/**
 * A client's lifecycle as an embedder meets it: one operation cancelled alone, in any phase,
 * the client cancelled or closed under running operations, and two threads on one client.
 * The PostgreSQL programs are {@link FakeTools}; the destination is the kit's in-memory one.
 */
class LifecycleTest {
    private static final Duration BOUND = Duration.ofSeconds(30);

    @TempDir
    Path root;
    private Path bin;
    private final InMemoryStorageProvider memory = new InMemoryStorageProvider();
    private final ExecutorService threads = Executors.newFixedThreadPool(2);

    @BeforeEach
    void tools() throws IOException {
        bin = FakeTools.install(root);
    }

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    private BackupController client() {
        return PgBackup.configure().backupRoot(root.resolve("backup")).pgBinDir(bin).serverLock(false)
                .service("users", s -> s.host("db.invalid").password("pw".toCharArray()))
                .service("orders", s -> s.host("db.invalid").password("pw".toCharArray()))
                .storageProviders(List.of(memory)).storage("memory").load();
    }

    private List<String> stored(String service) throws IOException {
        return memory.storage().list(service).stream().map(o -> o.name()).toList();
    }

    /** A listener that calls {@code action} when the operation enters {@code phase}. */
    private static ProgressListener at(Phase phase, Runnable action) {
        return new ProgressListener() {
            @Override
            public void phase(String service, Phase entered) {
                if (entered == phase) {
                    action.run();
                }
            }
        };
    }

    /** A listener that calls {@code action} once, when the first bytes have streamed. */
    private static ProgressListener atFirstBytes(Runnable action) {
        return new ProgressListener() {
            private boolean done;

            @Override
            public synchronized void transferred(String service, long bytes) {
                if (!done) {
                    done = true;
                    action.run();
                }
            }
        };
    }

    private static void assertCancelled(Throwable thrown, String service) {
        assertThat(thrown).isInstanceOfSatisfying(CancelledException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.CANCELLED);
            assertThat(e.exitCode()).isEqualTo(1);
            assertThat(e.getMessage()).contains("service '" + service + "' was cancelled");
        });
    }

    @ParameterizedTest
    @EnumSource(value = Phase.class, names = {"WAITING_FOR_LOCK", "CONNECTING", "DUMPING"})
    void aDumpCancelledOnEnteringAnyPhaseEndsCancelledStoresNothingAndTheClientGoesOn(Phase phase) throws IOException {
        try (BackupController client = client()) {
            Cancellation cancellation = new Cancellation();
            DumpOptions options = DumpOptions.defaults().cancellation(cancellation)
                    .progress(at(phase, cancellation::cancel));

            assertCancelled(catchThrowable(() -> client.dump("users", options)), "users");
            assertThat(stored("users")).isEmpty();
            assertThat(client.dump("users").complete()).as("the same client, next dump").isTrue();
            assertThat(stored("users")).hasSize(3);
        }
    }

    @Test
    void aDumpCancelledWhileItsBytesStreamEndsCancelledAndStoresNothing() throws IOException {
        try (BackupController client = client()) {
            Cancellation cancellation = new Cancellation();
            DumpOptions options = DumpOptions.defaults().cancellation(cancellation)
                    .progress(atFirstBytes(cancellation::cancel));

            assertCancelled(catchThrowable(() -> client.dump("users", options)), "users");
            assertThat(stored("users")).isEmpty();
            assertThat(client.list("users").archives()).isEmpty();
        }
    }

    @Test
    void aCancellationCancelledBeforeTheOperationStartsStopsItBeforeAnythingRuns() throws IOException {
        try (BackupController client = client()) {
            Cancellation cancellation = new Cancellation();
            cancellation.cancel();
            Set<Phase> seen = EnumSet.noneOf(Phase.class);
            ProgressListener listener = new ProgressListener() {
                @Override
                public void phase(String service, Phase phase) {
                    seen.add(phase);
                }
            };

            assertCancelled(catchThrowable(() -> client.dump("users",
                    DumpOptions.defaults().cancellation(cancellation).progress(listener))), "users");
            assertThat(seen).as("refused before its first phase, as an unknown service is").isEmpty();
            assertThat(stored("users")).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(value = Phase.class, names = {"WAITING_FOR_LOCK", "CHECKING", "CONNECTING", "RESTORING"})
    void aRestoreCancelledOnEnteringAnyPhaseEndsCancelledAndNeverRestores(Phase phase) throws IOException {
        try (BackupController client = client()) {
            String archive = client.dump("users").name().fileName();
            Cancellation cancellation = new Cancellation();
            RestoreOptions options = RestoreOptions.defaults().cancellation(cancellation)
                    .progress(at(phase, cancellation::cancel));

            assertCancelled(catchThrowable(() -> client.restore("users", archive, options)), "users");
            assertThat(FakeTools.restores(bin)).isEmpty();
            client.restore("users", archive, RestoreOptions.defaults());
            assertThat(FakeTools.restores(bin)).as("the same client, next restore").hasSize(1);
        }
    }

    @Test
    void cancellingOneOperationLeavesAnotherOfTheSameClientStreaming() throws Exception {
        try (BackupController client = client()) {
            CountDownLatch usersCancelled = new CountDownLatch(1);
            Future<DumpResult> orders = heldWhileStreaming(client, "orders", usersCancelled);
            Cancellation cancellation = new Cancellation();
            cancellation.cancel();

            assertCancelled(catchThrowable(() -> client.dump("users", DumpOptions.defaults()
                    .cancellation(cancellation))), "users");
            usersCancelled.countDown();
            assertThat(orders.get(BOUND.toSeconds(), TimeUnit.SECONDS).complete()).isTrue();
            assertThat(stored("orders")).hasSize(3);
            assertThat(stored("users")).isEmpty();
        }
    }

    @Test
    void cancellingTheClientStopsItsRunningOperationsAndLaterOnesRun() throws Exception {
        try (BackupController client = client()) {
            CountDownLatch cancelled = new CountDownLatch(1);
            Future<DumpResult> held = heldWhileStreaming(client, "users", cancelled);

            client.cancel();
            cancelled.countDown();

            assertCancelled(causeOf(held), "users");
            assertThat(stored("users")).isEmpty();
            assertThat(client.dump("users").complete()).as("a dump after cancel()").isTrue();
        }
    }

    @Test
    void closingUnderARunningOperationCancelsItWaitsForItAndEveryLaterCallIsRefused() throws Exception {
        BackupController client = client();
        CountDownLatch connecting = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Future<DumpResult> held = threads.submit(() -> client.dump("users", DumpOptions.defaults()
                .progress(at(Phase.CONNECTING, () -> {
                    connecting.countDown();
                    await(release);
                }))));
        await(connecting);

        Future<?> closing = threads.submit(client::close);
        // Once a call is refused, close() has cancelled the dump; it is still held, so close() waits.
        while (true) {
            try {
                client.countArchives("users");
            } catch (IllegalStateException refused) {
                break;
            }
        }
        assertThat(closing.isDone()).as("close() waits for the cancelled dump to end").isFalse();
        release.countDown();
        closing.get(BOUND.toSeconds(), TimeUnit.SECONDS);

        assertCancelled(causeOf(held), "users");
        assertThat(stored("users")).isEmpty();
        List<Consumer<BackupController>> calls = List.of(c -> c.dump("users"), c -> c.list("users"),
                c -> c.restore("users", "file_daily_2026-01-02T03:04:05Z.dump.zst", RestoreOptions.defaults()),
                c -> c.verify("users", null), BackupController::health, c -> c.drill("users"),
                c -> c.dumpAll(DumpOptions.defaults()), c -> c.countArchives("users"));
        for (Consumer<BackupController> call : calls) {
            assertThatThrownBy(() -> call.accept(client)).isInstanceOf(IllegalStateException.class)
                    .hasMessage("This BackupController is closed: open a new one to run operations");
        }
        client.close();
        assertThat(client.configuration().serviceNames()).containsExactly("users", "orders");
    }

    @Test
    void twoThreadsDumpTwoServicesOfOneClientAtOnce() throws Exception {
        try (BackupController client = client()) {
            CyclicBarrier bothStreaming = new CyclicBarrier(2);
            Future<DumpResult> users = threads.submit(() -> client.dump("users", DumpOptions.defaults()
                    .progress(atFirstBytes(() -> await(bothStreaming)))));
            Future<DumpResult> orders = threads.submit(() -> client.dump("orders", DumpOptions.defaults()
                    .progress(atFirstBytes(() -> await(bothStreaming)))));

            // Each waits at its first bytes for the other: both complete only if they ran side by side.
            DumpResult u = users.get(BOUND.toSeconds(), TimeUnit.SECONDS);
            DumpResult o = orders.get(BOUND.toSeconds(), TimeUnit.SECONDS);
            assertThat(u.complete()).isTrue();
            assertThat(o.complete()).isTrue();
            assertThat(stored("users")).contains(u.name().fileName());
            assertThat(stored("orders")).contains(o.name().fileName());
        }
    }

    @Test
    void twoThreadsDumpingOneServiceTakeTurnsAndBothArchivesAreKept() throws Exception {
        try (BackupController client = client()) {
            CyclicBarrier start = new CyclicBarrier(2);
            Future<DumpResult> first = threads.submit(() -> {
                await(start);
                return client.dump("users");
            });
            Future<DumpResult> second = threads.submit(() -> {
                await(start);
                return client.dump("users");
            });

            DumpResult a = first.get(BOUND.toSeconds(), TimeUnit.SECONDS);
            DumpResult b = second.get(BOUND.toSeconds(), TimeUnit.SECONDS);
            assertThat(a.name()).isNotEqualTo(b.name());
            assertThat(stored("users")).contains(a.name().fileName(), b.name().fileName());
            assertThat(client.list("users").archives()).hasSize(2);
        }
    }

    /** A dump on another thread, held once its first bytes streamed until {@code release}; returns once it is held. */
    private Future<DumpResult> heldWhileStreaming(BackupController client, String service, CountDownLatch release) {
        CountDownLatch streaming = new CountDownLatch(1);
        Future<DumpResult> held = threads.submit(() -> client.dump(service, DumpOptions.defaults()
                .progress(atFirstBytes(() -> {
                    streaming.countDown();
                    await(release);
                }))));
        await(streaming);
        return held;
    }

    private static Throwable catchThrowable(Runnable call) {
        try {
            call.run();
            return null;
        } catch (RuntimeException e) {
            return e;
        }
    }

    private static Throwable causeOf(Future<?> future) throws Exception {
        try {
            future.get(BOUND.toSeconds(), TimeUnit.SECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(BOUND.toSeconds(), TimeUnit.SECONDS)) {
                throw new IllegalStateException("not released in time");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await(BOUND.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("the other thread did not come: " + e, e);
        }
    }
}
