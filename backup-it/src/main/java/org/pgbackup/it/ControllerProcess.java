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

    public ControllerProcess(Path jar) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " does not exist: build it with 'mvn -B -DskipTests package'");
        }
        this.jar = jar;
    }

    /** The jar named by the {@code controller.jar} system property, as the build sets it for tests. */
    public static ControllerProcess fromSystemProperty() {
        return new ControllerProcess(Path.of(System.getProperty("controller.jar", "backup-cli/target/controller.jar")));
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
        List<String> command = new ArrayList<>(List.of(javaBinary(), "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", jar.toString(), "org.pgbackup.cli.Main"));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command);
        String path = System.getenv("PATH");
        builder.environment().clear();
        builder.environment().put("PATH", path == null ? "/usr/bin:/bin" : path);
        builder.environment().putAll(environment);
        Exec.Result result = Exec.run(builder, null);
        return new Run(List.of(arguments), result.exitCode(), result.stdout(), result.stderr());
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
