package org.pgbackup.it.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.GenericContainer;

/**
 * A controller container; commands run in it as {@code docker exec NAME /controller ...}, as
 * its user. Closing it removes the container (its volumes stay).
 */
record Controller(GenericContainer<?> container, String name, Lab lab) implements AutoCloseable {

    /** What a command printed and how it exited. */
    record Run(String command, int exitCode, String stdout, String stderr) {
        @Override
        public String toString() {
            return command + " exited " + exitCode + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr;
        }

        /** This run, asserted to have exited 0. */
        Run ok() {
            assertThat(exitCode).as(toString()).isZero();
            return this;
        }
    }

    Run run(String... args) {
        List<String> command = new ArrayList<>(List.of("/controller"));
        command.addAll(List.of(args));
        return exec(command.toArray(String[]::new));
    }

    /** Any command in the container. */
    Run exec(String... command) {
        String line = "docker exec " + name + " " + String.join(" ", command);
        Steps.say(line);
        try {
            ExecResult result = container.execInContainer(command);
            return new Run(line, result.getExitCode(), result.getStdout(), result.getStderr());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The archive names {@code list SERVICE} prints, newest first. */
    List<String> archives(String service) {
        Run list = run("list", service);
        if (list.exitCode() != 0) {
            throw new AssertionError(list.toString());
        }
        return list.stdout().lines().map(String::strip).filter(l -> l.startsWith("file_")).map(l -> l.split("\\s+")[0])
                .toList();
    }

    String logs() {
        return container.getLogs();
    }

    @Override
    public void close() {
        lab.remove(container);
    }
}
