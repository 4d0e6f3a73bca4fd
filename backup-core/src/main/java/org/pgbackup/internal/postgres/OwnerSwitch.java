package org.pgbackup.internal.postgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.pgbackup.error.ToolNotFoundException;

/**
 * PostgreSQL's programs run as a data directory's owner, never as root. Root switches to the
 * owner's numeric ids with {@code setpriv}, which needs no user of that name, as with a
 * directory mounted from another container.
 */
final class OwnerSwitch {
    private static final Path SETPRIV = Path.of("/usr/bin/setpriv");

    private OwnerSwitch() {
    }

    /** The uid this process runs as. */
    static int self() throws IOException {
        return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    }

    /**
     * The words that run a program as a uid and gid, before its own.
     *
     * @param what the program, for the message if {@code setpriv} is missing
     */
    static List<String> as(int uid, int gid, String what) {
        if (!Files.isExecutable(SETPRIV)) {
            throw new ToolNotFoundException("setpriv (util-linux) is needed to run " + what + " as uid " + uid
                    + ": install util-linux, or run the controller as uid " + uid);
        }
        return List.of(SETPRIV.toString(), "--reuid=" + uid, "--regid=" + gid, "--clear-groups", "--");
    }
}
