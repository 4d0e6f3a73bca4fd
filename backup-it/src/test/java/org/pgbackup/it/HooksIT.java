package org.pgbackup.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hooks in {@code HOOKS_DIR} around real dumps and restores through the shaded jar: their
 * order, what they are told and what they are not (no password), a failing
 * {@code pre-backup} that skips the dump, and hooks that misbehave.
 */
class HooksIT {
    @RegisterExtension
    ClusterExtension app = new ClusterExtension("app", "pete", "pete-hook-pw", "app", 100);
    static ControllerProcess controller = ControllerProcess.fromSystemProperty();

    @TempDir
    Path root;
    @TempDir
    Path hooks;

    private Path calls() {
        return hooks.resolve("calls.txt");
    }

    private void hook(String name, String body) throws IOException {
        Path file = hooks.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** A hook that records its name and what it was told, one line per call. */
    private void recording(String name) throws IOException {
        hook(name, "echo \"" + name + " $PGBACKUP_HOOK $PGBACKUP_SERVICE $PGBACKUP_OPERATION $PGBACKUP_STATUS"
                + " $PGBACKUP_ARCHIVE $PGBACKUP_DESTINATIONS\" >> " + calls() + "\n"
                + "env >> " + hooks.resolve("env.txt") + "\necho \"hello from " + name + "\"");
    }

    private Map<String, String> env() {
        Map<String, String> env = app.env(root);
        env.put("HOOKS_DIR", hooks.toString());
        env.put("S3_SECRET_ACCESS_KEY", "bucket-secret-key");
        return env;
    }

    private List<String> archives() throws IOException {
        Path dir = root.resolve("data/app");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.matches("file_.*\\.dump(\\.zst)?"))
                    .toList();
        }
    }

    @Test
    void hooksRunInOrderWithWhatTheyNeedAndNoSecret() throws IOException {
        recording("pre-backup");
        recording("post-backup/10-first");
        recording("post-backup/20-second");
        recording("pre-restore");
        recording("post-restore");
        recording("on-failure");

        ControllerProcess.Run dump = controller.ok(env(), "dump", "app");
        String archive = archives().get(0);
        controller.ok(env(), "restore", "app", archive);

        assertThat(Files.readAllLines(calls()).stream().map(String::strip)).containsExactly(
                "pre-backup pre-backup app backup",
                "post-backup/10-first post-backup app backup ok " + archive + " local",
                "post-backup/20-second post-backup app backup ok " + archive + " local",
                "pre-restore pre-restore app restore",
                "post-restore post-restore app restore ok " + archive + " local:" + root.resolve("data"));
        assertThat(dump.stderr()).contains("app: hook pre-backup: hello from pre-backup")
                .contains("app: hook post-backup/20-second: hello from post-backup/20-second");
        String seen = Files.readString(hooks.resolve("env.txt"));
        assertThat(seen).contains("PGBACKUP_DATABASE=app").doesNotContain("pete-hook-pw")
                .doesNotContain("bucket-secret-key").doesNotContain("PASSWORD").doesNotContain("DATABASE_LIST");
    }

    @Test
    void aFailingPreBackupSkipsTheDumpAndTellsWhy() throws IOException {
        hook("pre-backup", "echo 'maintenance window until 04:00' >&2\nexit 3");
        recording("post-backup");
        hook("on-failure", "echo \"$PGBACKUP_HOOK $PGBACKUP_STATUS $PGBACKUP_ERROR\" >> " + calls());

        ControllerProcess.Run dump = controller.run(env(), "dump", "app");

        assertThat(dump.exitCode()).as(dump.toString()).isEqualTo(1);
        assertThat(dump.errorLines()).anySatisfy(line -> assertThat(line).contains("The pre-backup hook of service"
                + " 'app' failed, so the backup did not run: it exited with status 3; its last errors:"
                + " maintenance window until 04:00"));
        assertThat(archives()).isEmpty();
        assertThat(Files.readAllLines(calls())).singleElement().asString()
                .startsWith("on-failure failed The pre-backup hook of service 'app' failed");
    }

    @Test
    void aFailingPostBackupIsReportedAndKeepsTheArchive() throws IOException {
        hook("post-backup", "echo 'upload to the archive system failed' >&2\nexit 1");

        ControllerProcess.Run dump = controller.ok(env(), "dump", "app");

        assertThat(dump.stderr()).contains("the post-backup hook failed after a backup that stands")
                .contains("upload to the archive system failed");
        assertThat(archives()).hasSize(1);
    }

    @Test
    void aHookThatIsNotExecutableHangsOrFloodsIsBoundedLoggedAndStopped() throws IOException {
        Map<String, String> env = env();
        env.put("HOOK_TIMEOUT", "2");
        hook("pre-backup", "exit 0");
        Files.setPosixFilePermissions(hooks.resolve("pre-backup"), PosixFilePermissions.fromString("rw-r--r--"));
        ControllerProcess.Run notExecutable = controller.run(env, "dump", "app");
        assertThat(notExecutable.exitCode()).isEqualTo(1);
        assertThat(notExecutable.stderr()).contains("pre-backup is not an executable file: make it one (chmod +x)");

        hook("pre-backup", "echo 'waiting for a lock'\nsleep 600");
        ControllerProcess.Run hangs = controller.run(env, "dump", "app");
        assertThat(hangs.exitCode()).isEqualTo(1);
        assertThat(hangs.stderr()).contains("it did not finish within HOOK_TIMEOUT (2s) and was stopped")
                .contains("app: hook pre-backup: waiting for a lock");
        assertThat(archives()).isEmpty();

        // 10 MB of output, in lines and in one line without an end.
        hook("pre-backup", "yes 'a line of output' | head -c 5000000\nhead -c 5000000 /dev/zero | tr '\\0' x");
        ControllerProcess.Run floods = controller.ok(env, "dump", "app");
        assertThat(floods.stderr()).contains("wrote more than 200 lines;").contains("more bytes were not logged");
        assertThat(floods.stderr().length()).isLessThan(200_000);
        assertThat(archives()).hasSize(1);
    }
}
