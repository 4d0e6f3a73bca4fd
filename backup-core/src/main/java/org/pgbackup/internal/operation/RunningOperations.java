package org.pgbackup.internal.operation;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.pgbackup.controller.Cancellation;
import org.pgbackup.error.CancelledException;
import org.tinylog.Logger;

/**
 * The operations of one client that run now, each under a cancellation of its own, and the
 * client's open or closed state: what {@code cancel()} and {@code close()} act on.
 *
 * <p>Thread-safe: operations start and end on any thread while another cancels or closes.
 */
public final class RunningOperations {
    private static final String CLOSED = "This BackupController is closed: open a new one to run operations";

    private final Set<Cancellation> running = ConcurrentHashMap.newKeySet();
    /** Guards {@link #closed} against operations starting while the client closes, and signals their ends. */
    private final Object lifecycle = new Object();
    private boolean closed;

    /** @throws IllegalStateException if the client is closed */
    public void ensureOpen() {
        synchronized (lifecycle) {
            if (closed) {
                throw new IllegalStateException(CLOSED);
            }
        }
    }

    /**
     * Runs one operation under a cancellation of its own, cancelled by the caller's, by
     * {@link #cancelAll()} or by {@link #close}. Whatever it fails with once cancelled (a
     * program killed, a stream closed, a phase refused) becomes one {@link CancelledException}
     * that says what the cancel {@code left}.
     *
     * @throws IllegalStateException if the client is closed
     */
    public <T> T run(String service, String operation, Optional<Cancellation> requested, String left,
            Function<Cancellation, T> body) {
        Cancellation own = new Cancellation();
        synchronized (lifecycle) {
            if (closed) {
                throw new IllegalStateException(CLOSED);
            }
            running.add(own);
        }
        try (Cancellation.Registration byCaller = requested.map(c -> c.onCancel(own::cancel))
                .orElse(() -> { })) {
            return body.apply(own);
        } catch (RuntimeException e) {
            if (own.isCancelled()) {
                throw new CancelledException("The " + operation + " of service '" + service + "' was cancelled; "
                        + left, e);
            }
            throw e;
        } finally {
            synchronized (lifecycle) {
                running.remove(own);
                lifecycle.notifyAll();
            }
        }
    }

    /** Cancels every operation running now; later ones run as usual. */
    public void cancelAll() {
        running.forEach(Cancellation::cancel);
    }

    /**
     * Marks the client closed and cancels what runs; false if it was closed already. Once it
     * returns true, no operation starts any more.
     */
    public boolean close() {
        synchronized (lifecycle) {
            if (closed) {
                return false;
            }
            closed = true;
            cancelAll();
            return true;
        }
    }

    /** Waits up to {@code bound} for the operations running now to end. */
    public void awaitNone(Duration bound) {
        long deadline = System.nanoTime() + bound.toNanos();
        synchronized (lifecycle) {
            long left;
            while (!running.isEmpty() && (left = deadline - System.nanoTime()) > 0) {
                try {
                    lifecycle.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            if (!running.isEmpty()) {
                Logger.warn("Closing with {} operation(s) still ending after {} s; their destinations close under them",
                        running.size(), bound.toSeconds());
            }
        }
    }
}
