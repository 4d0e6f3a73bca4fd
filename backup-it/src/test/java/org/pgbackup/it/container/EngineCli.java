package org.pgbackup.it.container;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The engine's command line, for what its API does not offer: podman's on-demand health check, compose. */
final class EngineCli {
    record Result(String command, int exitCode, String stdout, String stderr) {
        @Override
        public String toString() {
            return command + " exited " + exitCode + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr;
        }
    }

    private EngineCli() {
    }

    /** Whether the engine is podman, whose command line runs health checks on demand. */
    static boolean podman() {
        return onPath("podman");
    }

    static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    static Result run(Path directory, Map<String, String> env, List<String> command) {
        Steps.say(String.join(" ", command));
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory == null ? null : directory.toFile());
        builder.environment().putAll(env);
        try {
            Path out = Files.createTempFile("engine-cli", ".out");
            Path err = Files.createTempFile("engine-cli", ".err");
            try {
                Process process = builder.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                        .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
                if (!process.waitFor(10, TimeUnit.MINUTES)) {
                    process.destroyForcibly();
                    throw new AssertionError(command + " did not end within 10 minutes");
                }
                return new Result(String.join(" ", command), process.exitValue(),
                        Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
