package org.pgbackup.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Whether this process's standard error is a terminal a person watches. */
final class Terminal {
    private Terminal() {
    }

    /**
     * True when file descriptor 2 is a terminal device and {@code TERM} is not {@code dumb}.
     * Java 17 cannot ask this of standard error, so it reads where Linux's
     * {@code /proc/self/fd/2} points; elsewhere the answer is no, and no progress is shown.
     */
    static boolean standardError(Map<String, String> env) {
        if ("dumb".equals(env.get("TERM"))) {
            return false;
        }
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }
}
