package org.pgbackup.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs the controller as users do: the shaded jar in a child JVM, with an environment of
 * its own (nothing inherited but {@code PATH}), so that what a test sees is what a user
 * would see.
 */
public final class ControllerProcess {
    private final Path jar;
    private final List<String> jvmOptions;

    public ControllerProcess(Path jar) {
        this(jar, List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
    }

    private ControllerProcess(Path jar, List<String> jvmOptions) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " does not exist: build it with 'mvn -B -DskipTests package'");
        }
        this.jar = jar;
        this.jvmOptions = List.copyOf(jvmOptions);
    }

    /** The same controller, its JVM started with more options, such as {@code -Xmx64m}. */
    public ControllerProcess withJvmOptions(String... options) {
        List<String> all = new ArrayList<>(jvmOptions);
        all.addAll(List.of(options));
        return new ControllerProcess(jar, all);
    }

    /** The jar named by the {@code controller.jar} system property, as the build sets it for tests. */
    public static ControllerProcess fromSystemProperty() {
        return new ControllerProcess(jarPath());
    }

    /** The path in the {@code controller.jar} system property. */
    public static Path jarPath() {
        return Path.of(System.getProperty("controller.jar", "backup-cli/target/controller.jar")).toAbsolutePath();
    }

    /**
     * How one run ended.
     *
     * @param exitCode the exit status
     * @param stdout what it printed on standard output
     * @param stderr what it printed on standard error (its log and error lines)
     */
    public record Run(List<String> arguments, int exitCode, String stdout, String stderr) {
        /** Standard output and error together. */
        public String output() {
            return stdout + stderr;
        }

        /** The lines of standard error that start with {@code error:}. */
        public List<String> errorLines() {
            return stderr.lines().filter(l -> l.startsWith("error:")).toList();
        }

        @Override
        public String toString() {
            return "controller " + String.join(" ", arguments) + " -> " + exitCode + "\n--- stdout\n" + stdout
                    + "--- stderr\n" + stderr;
        }
    }

    /** Runs {@code controller <arguments>} with exactly the given variables (and PATH). */
    public Run run(Map<String, String> environment, String... arguments) {
        Exec.Result result = Exec.run(builder(environment, arguments), null);
        return new Run(List.of(arguments), result.exitCode(), result.stdout(), result.stderr());
    }

    /**
     * Runs {@code controller <arguments>} as {@link #run} does, and fails the calling test,
     * with the whole run in the message, unless it exited 0.
     */
    public Run ok(Map<String, String> environment, String... arguments) {
        Run run = run(environment, arguments);
        if (run.exitCode() != 0) {
            throw new AssertionError("expected exit status 0 from " + run);
        }
        return run;
    }

    /**
     * Starts {@code controller <arguments>} in the background, its output going to files in
     * {@code outputDirectory}.
     */
    public Background start(Path outputDirectory, Map<String, String> environment, String... arguments) {
        ProcessBuilder builder = builder(environment, arguments);
        builder.redirectOutput(outputDirectory.resolve("stdout").toFile());
        builder.redirectError(outputDirectory.resolve("stderr").toFile());
        builder.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        try {
            return new Background(builder.start(), outputDirectory);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private ProcessBuilder builder(Map<String, String> environment, String... arguments) {
        List<String> command = new ArrayList<>();
        command.add(javaBinary());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", jar.toString(), "org.pgbackup.cli.Main"));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command);
        String path = System.getenv("PATH");
        builder.environment().clear();
        builder.environment().put("PATH", path == null ? "/usr/bin:/bin" : path);
        builder.environment().putAll(environment);
        return builder;
    }

    /** A controller running in the background. */
    public static final class Background implements AutoCloseable {
        private final Process process;
        private final Path output;

        Background(Process process, Path output) {
            this.process = process;
            this.output = output;
        }

        /** What it logged so far (its standard error). */
        public String log() {
            try {
                return Files.readString(output.resolve("stderr"));
            } catch (java.io.IOException e) {
                return "";
            }
        }

        public boolean alive() {
            return process.isAlive();
        }

        /** The controller's JVM and the programs it started. */
        public ProcessHandle handle() {
            return process.toHandle();
        }

        /** Sends SIGKILL: the controller gets no chance to clean up. */
        public void kill() {
            process.destroyForcibly();
        }

        /** Sends SIGTERM, as {@code docker stop} does. */
        public void terminate() {
            process.destroy();
        }

        /** Waits for it to exit, and returns its exit status, or -1 if it still runs after the wait. */
        public int waitFor(java.time.Duration timeout) {
            try {
                return process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                        ? process.exitValue() : -1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }

        /** Kills it if it still runs. */
        @Override
        public void close() {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
