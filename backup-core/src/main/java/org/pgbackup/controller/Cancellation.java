package org.pgbackup.controller;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;

/**
 * A request to stop one or more operations, made from any thread:
 * <pre>{@code
 * Cancellation cancellation = new Cancellation();
 * Future<DumpResult> dump = executor.submit(() -> client.dump("users",
 *         DumpOptions.defaults().cancellation(cancellation)));
 * cancellation.cancel(); // that dump ends with CancelledException; the client goes on serving
 * }</pre>
 * An operation given a cancellation checks it between its phases and stops the PostgreSQL
 * programs it runs when it is cancelled, then ends with
 * {@link org.pgbackup.error.CancelledException} (code {@code CANCELLED}), whatever phase it
 * was in, having left what a failure leaves: no partial archive in any destination, a
 * database as it was. What was finished before the cancellation came stays finished: a dump
 * whose archive was already stored returns its result, with verification skipped; a
 * whole-server run keeps the databases it had stored.
 *
 * <p>Once cancelled, a cancellation stays cancelled: an operation started with it later
 * ends at once. Use a new one for each operation that can be cancelled on its own, or one for
 * a group that is cancelled together.
 *
 * <p>Thread-safe: {@link #cancel()} and {@link #isCancelled()} may be called from any
 * thread, at any time, any number of times.
 */
public final class Cancellation {
    private final List<Runnable> actions = new ArrayList<>();
    private boolean cancelled;

    /** A cancellation not cancelled yet. */
    public Cancellation() {
    }

    /**
     * Cancels every operation that runs with this cancellation, now or later. Returns at
     * once; the operations end on their own threads.
     */
    public void cancel() {
        List<Runnable> run;
        synchronized (this) {
            if (cancelled) {
                return;
            }
            cancelled = true;
            run = List.copyOf(actions);
            actions.clear();
        }
        run.forEach(Runnable::run);
    }

    /** Whether {@link #cancel()} was called. */
    public synchronized boolean isCancelled() {
        return cancelled;
    }

    /**
     * Runs {@code action} when this is cancelled, at once if it is already. The returned
     * handle forgets the action, so that a long-lived cancellation does not collect the
     * actions of operations that ended.
     */
    public Registration onCancel(Runnable action) {
        requireNonNull(action, "action is null");
        synchronized (this) {
            if (!cancelled) {
                actions.add(action);
                return () -> {
                    synchronized (this) {
                        actions.remove(action);
                    }
                };
            }
        }
        action.run();
        return () -> {
        };
    }

    /** An action registered with {@link #onCancel}; closing it forgets the action. */
    public interface Registration extends AutoCloseable {
        @Override
        void close();
    }
}
