package org.pgbackup.internal.process;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A program to run: its argument list (never a shell line), what to add to its
 * environment, how long it may take, and what to do with its standard streams.
 *
 * @param command the program and its arguments; never holds a secret
 * @param environment variables added to the child's environment, such as {@code PGPASSWORD}
 * @param timeout how long the program may run before it is stopped
 * @param stdin writes the child's standard input, or {@code null} to close it at once
 * @param stdout reads the child's standard output as raw bytes, or {@code null} to keep it
 *     as text in {@link ProcessResult#stdout()}
 * @param isolated whether the child starts from an empty environment, but for
 *     {@link #BASIC_VARIABLES}, instead of the controller's scrubbed one: for programs that
 *     are not ours, such as hooks
 */
public record ProcessSpec(List<String> command, Map<String, String> environment, Duration timeout, Feeder stdin,
        Consumer stdout, boolean isolated) {

    /** What an isolated child keeps of the controller's environment. */
    public static final List<String> BASIC_VARIABLES = List.of("PATH", "HOME", "LANG", "LC_ALL", "TZ", "TMPDIR");

    public ProcessSpec {
        command = List.copyOf(requireNonNull(command, "command is null"));
        environment = Map.copyOf(requireNonNull(environment, "environment is null"));
        requireNonNull(timeout, "timeout is null");
    }

    /** A program whose output is kept as text, with nothing on its input. */
    public static ProcessSpec of(List<String> command, Map<String, String> environment, Duration timeout) {
        return new ProcessSpec(command, environment, timeout, null, null, false);
    }

    public ProcessSpec withStdin(Feeder feeder) {
        return new ProcessSpec(command, environment, timeout, feeder, stdout, isolated);
    }

    public ProcessSpec withStdout(Consumer consumer) {
        return new ProcessSpec(command, environment, timeout, stdin, consumer, isolated);
    }

    /** The same program, started from an environment of {@link #BASIC_VARIABLES} and its own variables only. */
    public ProcessSpec isolate() {
        return new ProcessSpec(command, environment, timeout, stdin, stdout, true);
    }

    /** Writes a child's standard input; the runner closes the stream afterwards. */
    @FunctionalInterface
    public interface Feeder {
        void writeTo(OutputStream stdin) throws IOException;
    }

    /** Reads a child's standard output to its end. */
    @FunctionalInterface
    public interface Consumer {
        void readFrom(InputStream stdout) throws IOException;
    }

    @Override
    public String toString() {
        // Only names of variables: their values may be secrets.
        return String.join(" ", command) + (environment.isEmpty() ? "" : " (with " + environment.keySet() + ")");
    }
}
