package org.pgbackup.hooks;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.pgbackup.config.HookSettings;
import org.pgbackup.internal.process.ProcessResult;
import org.pgbackup.internal.process.ProcessRunner;
import org.pgbackup.internal.process.ProcessSpec;
import org.tinylog.Logger;

/**
 * Runs the operator's hooks: {@code HOOKS_DIR/<hook>}, or every file of the directory
 * {@code HOOKS_DIR/<hook>/} in name order. Each runs with what it needs to know in
 * {@code PGBACKUP_*} variables and a bare environment otherwise, so that no password or key
 * of the controller reaches it; with a timeout; its output logged line by line, prefixed by
 * its name, and bounded, so that a hook that writes megabytes cannot flood the log.
 *
 * <p>Thread-safe: it keeps nothing between runs; each run is a process of its own.
 */
public final class Hooks {
    private static final int LOGGED_LINES = 200;
    private static final int MAX_LINE = 2000;
    private static final int ERROR_LINES = 5;

    private final HookSettings settings;
    private final ProcessRunner runner;

    /** @param runner the controller's runner, so that cancelling the controller stops its hooks too */
    public Hooks(HookSettings settings, ProcessRunner runner) {
        this.settings = settings;
        this.runner = runner;
    }

    /**
     * Runs every program of a hook, in order, stopping at the first that fails.
     *
     * @param variables what the hook is told, such as {@code PGBACKUP_SERVICE}; never a secret
     * @return why the hook failed, or empty when it succeeded or there is none
     */
    public Optional<String> run(Hook hook, String service, Map<String, String> variables) {
        for (Path program : programs(hook)) {
            String name = settings.directory().orElseThrow().relativize(program).toString();
            Optional<String> failure = runOne(program, name, service, hook, variables);
            if (failure.isPresent()) {
                Logger.error("{}: hook {} failed: {}", service, name, failure.get());
                return failure;
            }
        }
        return Optional.empty();
    }

    private List<Path> programs(Hook hook) {
        if (settings.directory().isEmpty() || !Files.isDirectory(settings.directory().get())) {
            return List.of();
        }
        Path path = settings.directory().get().resolve(hook.fileName());
        if (!Files.isDirectory(path)) {
            return Files.exists(path) ? List.of(path) : List.of();
        }
        try (Stream<Path> entries = Files.list(path)) {
            return entries.filter(p -> !p.getFileName().toString().startsWith(".") && !Files.isDirectory(p)).sorted()
                    .toList();
        } catch (IOException e) {
            // Reported as the hook's failure: the operator meant something to run.
            return List.of(path);
        }
    }

    private Optional<String> runOne(Path program, String name, String service, Hook hook,
            Map<String, String> variables) {
        if (!Files.isRegularFile(program) || !Files.isExecutable(program)) {
            return Optional.of(program + " is not an executable file: make it one (chmod +x) or remove it");
        }
        Map<String, String> environment = new HashMap<>(variables);
        environment.put("PGBACKUP_SERVICE", service);
        environment.put("PGBACKUP_HOOK", hook.fileName());
        Logger.info("{}: running hook {}", service, name);
        ProcessResult result;
        try {
            result = runner.run(ProcessSpec.of(List.of(program.toString()), environment, settings.timeout())
                    .isolate().withStdout(out -> logUntilClosed(out, service, name)));
        } catch (IOException e) {
            return Optional.of("it could not run: " + e.getMessage());
        }
        List<String> errors = result.stderr().isEmpty() ? List.of() : List.of(result.stderr().split("\n"));
        errors.forEach(line -> Logger.warn("{}: hook {}: {}", service, name, line));
        String tail = String.join(" | ", errors.subList(Math.max(0, errors.size() - ERROR_LINES), errors.size()));
        if (result.timedOut()) {
            return Optional.of("it did not finish within HOOK_TIMEOUT (" + settings.timeout().toSeconds()
                    + "s) and was stopped" + (tail.isEmpty() ? "" : "; its last errors: " + tail));
        }
        if (result.exitCode() != 0) {
            return Optional.of("it exited with status " + result.exitCode() + (tail.isEmpty() ? ""
                    : "; its last errors: " + tail));
        }
        return Optional.empty();
    }

    /**
     * Logs the output until it ends; a hook stopped at its timeout has its pipe closed under
     * the reader, which is the end of its output, not a failure to run it.
     */
    private static void logUntilClosed(InputStream out, String service, String name) {
        try {
            log(out, service, name);
        } catch (IOException e) {
            Logger.debug("{}: hook {}'s output ended: {}", service, name, e.getMessage());
        }
    }

    /** Logs the hook's output line by line, up to a bound; the rest is read and counted, not logged. */
    private static void log(InputStream out, String service, String name) throws IOException {
        int lines = 0;
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int n;
        while (lines < LOGGED_LINES && (n = out.read(buffer)) >= 0) {
            for (int i = 0; i < n && lines < LOGGED_LINES; i++) {
                if (buffer[i] == '\n') {
                    Logger.info("{}: hook {}: {}", service, name, line.toString(StandardCharsets.UTF_8));
                    line.reset();
                    lines++;
                } else if (line.size() < MAX_LINE) {
                    line.write(buffer[i]);
                }
            }
        }
        if (lines < LOGGED_LINES) {
            if (line.size() > 0) {
                Logger.info("{}: hook {}: {}", service, name, line.toString(StandardCharsets.UTF_8));
            }
            return;
        }
        long more = out.transferTo(OutputStream.nullOutputStream());
        Logger.warn("{}: hook {} wrote more than {} lines; {} more bytes were not logged", service, name,
                LOGGED_LINES, more);
    }
}
