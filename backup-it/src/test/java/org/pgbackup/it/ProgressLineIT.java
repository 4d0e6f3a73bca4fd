package org.pgbackup.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The progress line is for people: it appears on a terminal (given by {@code script}, from
 * util-linux, as a pseudo-terminal) and nowhere else, not in a pipe, not with JSON logs.
 */
class ProgressLineIT {
    @RegisterExtension
    static ClusterExtension app = new ClusterExtension("app", "pia", "pia-pw", "app", 200);

    @TempDir
    Path root;

    /** The launcher on a pseudo-terminal: what a person at a shell sees, both streams mixed. */
    private static Exec.Result onTerminal(Map<String, String> env, String command) throws IOException {
        String line = ContainerFilesIT.ROOT.resolve("controller") + " " + command;
        return Launcher.runCommand(List.of("script", "-qefc", line, "/dev/null"), root(env), env);
    }

    private static Path root(Map<String, String> env) {
        return Path.of(env.get("BACKUP_ROOT")).resolveSibling("plugins");
    }

    @Test
    void aDumpOnATerminalShowsItsProgressLineAndWipesIt() throws IOException {
        Map<String, String> env = app.env(root.resolve("backup"));
        env.put("TERM", "xterm");
        Exec.Result run = onTerminal(env, "dump app");

        assertThat(run.exitCode()).as(run.stdout() + run.stderr()).isZero();
        assertThat(run.stdout()).contains("\rapp: connecting...").contains("\rapp: dumping")
                .contains("stored in local");
        String beforeResult = run.stdout().substring(0, run.stdout().indexOf("app: file_"));
        assertThat(beforeResult).as("wiped before the result line").endsWith("\r");
    }

    @Test
    void noProgressLineInAPipeNorWithJsonLogs() throws IOException {
        Map<String, String> env = app.env(root.resolve("backup"));
        env.put("TERM", "xterm");
        Exec.Result piped = Launcher.run(root.resolve("plugins"), env, "dump", "app");
        assertThat(piped.exitCode()).as(piped.stderr()).isZero();
        assertThat(piped.stderr()).doesNotContain("\r").doesNotContain("connecting...");

        env.put("LOG_FORMAT", "json");
        Exec.Result json = onTerminal(env, "dump app");
        assertThat(json.exitCode()).as(json.stdout()).isZero();
        assertThat(json.stdout()).doesNotContain("connecting...").doesNotContain("\rapp:");
    }
}
