package org.pgbackup.chart;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The {@code podman} command line, which {@code kube play} needs (the Docker-compatible API
 * has no equivalent). Each command is printed as it runs, secrets aside.
 */
final class Podman {
    /** What a command printed and how it exited. */
    record Run(String command, int exitCode, String stdout, String stderr) {
        Run ok() {
            if (exitCode != 0) {
                throw new AssertionError(this.toString());
            }
            return this;
        }

        @Override
        public String toString() {
            return command + " exited " + exitCode + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr;
        }
    }

    private Podman() {
    }

    static Run run(String... args) {
        return run(null, args);
    }

    /** Runs {@code podman args...} with {@code stdin} as its standard input (not printed). */
    static Run run(byte[] stdin, String... args) {
        List<String> command = new ArrayList<>(List.of("podman"));
        command.addAll(List.of(args));
        String line = String.join(" ", command);
        System.out.println("$ " + line);
        try {
            Process process = new ProcessBuilder(command).start();
            try (var in = process.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin);
                }
            }
            var stdout = process.getInputStream().readAllBytes();
            var stderr = process.getErrorStream().readAllBytes();
            if (!process.waitFor(5, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new AssertionError(line + " did not finish within 5 minutes");
            }
            return new Run(line, process.exitValue(), new String(stdout, StandardCharsets.UTF_8),
                    new String(stderr, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Why podman or an image is not usable here, or null when all is there. */
    static String missing(List<String> images) {
        Run version;
        try {
            version = run("version", "--format", "{{.Client.Version}}");
        } catch (UncheckedIOException e) {
            return "no podman command (" + e.getCause().getMessage() + ")";
        }
        if (version.exitCode() != 0) {
            return "podman does not work: " + version.stderr().strip();
        }
        List<String> absent = images.stream().filter(i -> run("image", "exists", i).exitCode() != 0).toList();
        return absent.isEmpty() ? null : "images missing: " + String.join(", ", absent);
    }
}
