package org.pgbackup.internal.process;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.tinylog.Logger;

/**
 * Runs every external program of the controller, the one place that does: an argument list,
 * never a shell; secrets only through the environment; standard error drained on its own
 * thread into a bounded tail that messages quote; a timeout, after which the program is
 * stopped, then killed; {@link #stopAll()} stops every child this runner started.
 *
 * <p>Each controller owns one runner, so stopping one controller's programs touches no
 * other controller in the same JVM.
 */
public final class ProcessRunner {
    private static final int STDERR_LINES = 30;
    private static final int MAX_LINE = 2000;
    private static final long STOP_GRACE_MILLIS = 5_000;

    private final ProcessRunner parent;
    private final Set<Process> live = ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;

    /** A runner of its own, for one controller. */
    public ProcessRunner() {
        this(null);
    }

    private ProcessRunner(ProcessRunner parent) {
        this.parent = parent;
    }

    /**
     * A runner for one operation: {@link #stopAll()} on it stops that operation's programs
     * alone, while {@code stopAll()} on this one stops them too.
     */
    public ProcessRunner child() {
        return new ProcessRunner(this);
    }

    private boolean stopping() {
        return stopping || parent != null && parent.stopping();
    }

    private void track(Process process) {
        live.add(process);
        if (parent != null) {
            parent.track(process);
        }
    }

    private void forget(Process process) {
        live.remove(process);
        if (parent != null) {
            parent.forget(process);
        }
    }

    /**
     * Stops every program this runner runs now, asked to stop, then killed, and refuses to
     * start more: for cancelling an operation or closing its owner. The runs waiting on them
     * return as failed.
     */
    public void stopAll() {
        stopping = true;
        stopRunning();
    }

    /**
     * Stops every program this runner runs now, as {@link #stopAll()} does, but goes on
     * starting new ones afterwards.
     */
    public void stopRunning() {
        live.forEach(process -> {
            // Its children first: once the parent dies they are no longer its descendants,
            // and one that holds the output pipe open would keep the run waiting.
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
        });
        live.forEach(ProcessRunner::awaitOrKill);
    }

    /**
     * Runs a program to its end.
     *
     * @return how it ended
     * @throws IOException if it could not start, or its input or output handler failed (the
     *     program is then stopped)
     */
    public ProcessResult run(ProcessSpec spec) throws IOException {
        if (stopping()) {
            throw new IOException("Not starting " + spec.command().get(0) + ": shutting down");
        }
        Logger.debug("Running {}", spec);
        ProcessBuilder builder = new ProcessBuilder(spec.command());
        if (spec.isolated()) {
            builder.environment().keySet().retainAll(ProcessSpec.BASIC_VARIABLES);
        } else {
            scrub(builder.environment());
        }
        builder.environment().putAll(spec.environment());
        Process process = builder.start();
        track(process);
        if (stopping()) {
            // stopAll() ran between the check above and the start: it did not see this one.
            stop(process);
        }
        AtomicReference<Throwable> handlerFailure = new AtomicReference<>();
        StringBuilder stdoutText = new StringBuilder();
        Deque<String> stderrTail = new ArrayDeque<>();
        Thread stderr = start("stderr", () -> drainTail(process.getErrorStream(), stderrTail, process), handlerFailure,
                process);
        Thread stdin = start("stdin", () -> feed(spec.stdin(), process), handlerFailure, process);
        Thread stdout = start("stdout", () -> {
            if (spec.stdout() != null) {
                try (InputStream in = process.getInputStream()) {
                    spec.stdout().readFrom(in);
                    // Whatever the consumer left unread must not block the child; a dead child's
                    // pipe closed under this read is the end of it, as for standard error.
                    try {
                        in.transferTo(OutputStream.nullOutputStream());
                    } catch (IOException e) {
                        if (stillRunning(process)) {
                            throw e;
                        }
                    }
                }
            } else {
                stdoutText.append(readText(process.getInputStream()));
            }
        }, handlerFailure, process);
        boolean timedOut = false;
        try {
            if (!process.waitFor(spec.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                timedOut = true;
                stop(process);
            }
            stdout.join();
            stdin.join();
            stderr.join();
        } catch (InterruptedException e) {
            stop(process);
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while running " + spec.command().get(0), e);
        } finally {
            forget(process);
        }
        Throwable failure = handlerFailure.get();
        if (failure instanceof IOException io) {
            throw io;
        }
        if (failure != null) {
            throw new IOException(failure.getMessage(), failure);
        }
        String tail;
        synchronized (stderrTail) {
            tail = String.join("\n", stderrTail);
        }
        return new ProcessResult(timedOut ? -1 : process.exitValue(), timedOut, stdoutText.toString(), tail);
    }

    /**
     * The child inherits the controller's environment, which holds every service's password
     * and the storage secrets; a child gets only the secret it is given.
     */
    private static void scrub(Map<String, String> environment) {
        environment.keySet().removeIf(name -> name.endsWith("PASSWORD") || name.endsWith("SECRET_ACCESS_KEY")
                || name.endsWith("SESSION_TOKEN") || name.equals("PGPASSFILE"));
    }

    private interface Body {
        void run() throws IOException;
    }

    private static Thread start(String stream, Body body, AtomicReference<Throwable> failure, Process process) {
        Thread thread = new Thread(() -> {
            try {
                body.run();
            } catch (IOException | RuntimeException | LinkageError e) {
                // A linkage error (a library missing or of the wrong version) too: otherwise the
                // thread would die unseen and the child fail with a broken pipe, unexplained.
                failure.compareAndSet(null, e);
                stop(process);
            }
        }, "process-" + stream);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /**
     * Feeds the child's input. When feeding fails while the child still runs, the child is
     * killed before its input is closed, so that it never takes a cut-short input for a
     * complete one. A pipe broken because the child already failed is the child's failure,
     * which its exit status and error output report.
     */
    private static void feed(ProcessSpec.Feeder feeder, Process process) throws IOException {
        OutputStream stdin = process.getOutputStream();
        try {
            if (feeder != null) {
                feeder.writeTo(stdin);
            }
        } catch (IOException | RuntimeException e) {
            try {
                if (process.waitFor(1, TimeUnit.SECONDS) && process.exitValue() != 0) {
                    return;
                }
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
            process.destroyForcibly();
            throw e;
        } finally {
            try {
                stdin.close();
            } catch (IOException ignored) {
                // The child is gone; its exit status tells the rest.
            }
        }
    }

    private static void drainTail(InputStream stream, Deque<String> tail, Process process) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                synchronized (tail) {
                    tail.addLast(line.length() > MAX_LINE ? line.substring(0, MAX_LINE) + "..." : line);
                    if (tail.size() > STDERR_LINES) {
                        tail.removeFirst();
                    }
                }
            }
        } catch (IOException e) {
            // The JDK closes a dead child's pipes from its reaper thread, and a read racing
            // that fails with "Stream closed": that is the end of the output, and the exit
            // status says the rest. Only a live child's broken stream is a failure.
            if (stillRunning(process)) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /**
     * Whether a child whose pipe just failed still runs. The JDK closes a dead child's pipes
     * before it marks the child dead, so a moment's wait tells a child that died from one
     * whose pipe broke.
     */
    private static boolean stillRunning(Process process) {
        try {
            return !process.waitFor(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return process.isAlive();
        }
    }

    private static String readText(InputStream stream) throws IOException {
        try (stream) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            stream.transferTo(bytes);
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }

    /** Asks the program to stop, then kills it if it doesn't. */
    static void stop(Process process) {
        // Its children too: a shell's child that holds the output pipe open would keep the run waiting.
        List<ProcessHandle> children = process.descendants().toList();
        children.forEach(ProcessHandle::destroy);
        process.destroy();
        awaitOrKill(process);
        children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    private static void awaitOrKill(Process process) {
        try {
            if (!process.waitFor(STOP_GRACE_MILLIS, TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
