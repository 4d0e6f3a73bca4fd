package org.pgbackup.internal.operation;

import static java.util.Objects.requireNonNull;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.apache.commons.io.input.ProxyInputStream;
import org.apache.commons.io.output.ProxyOutputStream;
import org.pgbackup.controller.Cancellation;
import org.pgbackup.controller.ProgressListener.Phase;
import org.pgbackup.controller.ProgressListener;
import org.pgbackup.error.CancelledException;
import org.pgbackup.internal.process.ProcessRunner;
import org.tinylog.Logger;

/**
 * One operation's course: its listener, bound to its service, that never lets a listener fail
 * the operation; its cancellation, checked between phases; and the runner of its programs,
 * stopped when it is cancelled.
 */
public final class Progress {
    private final ProgressListener listener;
    private final String service;
    private final Cancellation cancellation;
    private final ProcessRunner runner;

    /** An operation's course, its programs run by a child of {@code runner} of its own. */
    Progress(ProgressListener listener, String service, Cancellation cancellation, ProcessRunner runner) {
        this(listener, service, cancellation, runner.child(), true);
    }

    private Progress(ProgressListener listener, String service, Cancellation cancellation, ProcessRunner runner,
            boolean stopsRunner) {
        this.listener = requireNonNull(listener, "listener is null");
        this.service = requireNonNull(service, "service is null");
        this.cancellation = requireNonNull(cancellation, "cancellation is null");
        this.runner = runner;
        if (stopsRunner) {
            cancellation.onCancel(runner::stopAll);
        }
    }

    /** A part of this operation, such as one database of a whole-server run: the same cancellation and runner. */
    Progress part(String name, ProgressListener partListener) {
        return new Progress(partListener, name, cancellation, runner, false);
    }

    /** The runner of this operation's programs. */
    ProcessRunner runner() {
        return runner;
    }

    /** Fails with {@link CancelledException} if the operation was cancelled. */
    void checkCancelled() {
        if (cancellation.isCancelled()) {
            throw new CancelledException(service + ": cancelled");
        }
    }

    /**
     * Enters a phase: first fails if the operation was cancelled (except on
     * {@link Phase#FINISHED}, which always comes), then tells the listener.
     */
    void phase(Phase phase) {
        if (phase != Phase.FINISHED) {
            checkCancelled();
        }
        announce(phase);
    }

    /**
     * Enters a phase that follows a commit, such as a dump's retention once its archive is
     * stored: a cancellation no longer stops it, since what it would protect is done.
     */
    void phaseAfterCommit(Phase phase) {
        announce(phase);
    }

    /** Whether the operation was cancelled. */
    boolean cancelled() {
        return cancellation.isCancelled();
    }

    private void announce(Phase phase) {
        try {
            listener.phase(service, phase);
        } catch (RuntimeException e) {
            Logger.warn("{}: a progress listener failed on {} and is ignored: {}", service, phase, e.toString());
        }
    }

    private void transferred(long bytes) {
        try {
            listener.transferred(service, bytes);
        } catch (RuntimeException e) {
            Logger.warn("{}: a progress listener failed and is ignored: {}", service, e.toString());
        }
    }

    /** The stream, counting what is written through it. */
    OutputStream counting(OutputStream out) {
        return new ProxyOutputStream(out) {
            private long total;

            @Override
            protected void afterWrite(int n) {
                total += n;
                transferred(total);
            }
        };
    }

    /**
     * Wraps streams so that what is read through all of them counts as one total: a phase that
     * reads several files, such as a restore to a point in time.
     */
    UnaryOperator<InputStream> countingAll() {
        AtomicLong total = new AtomicLong();
        return in -> new ProxyInputStream(in) {
            @Override
            protected void afterRead(int n) {
                if (n > 0) {
                    transferred(total.addAndGet(n));
                }
            }
        };
    }

    /** The stream, counting what is read through it. */
    InputStream counting(InputStream in) {
        return countingAll().apply(in);
    }
}
