package org.pgbackup.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

/**
 * A {@code PG_BIN_DIR} of wrappers around the real PostgreSQL programs, so that a test sees
 * what the controller ran: every wrapper appends its argument list to {@code argv.log},
 * runs the shell lines given for its program, then the real program.
 */
final class PgWrappers {
    static final List<String> PROGRAMS = List.of("psql", "pg_dump", "pg_dumpall", "pg_restore");

    private PgWrappers() {
    }

    /**
     * Writes the wrappers into {@code bin}.
     *
     * @param before shell lines a program's wrapper runs before the real program, by program
     * @return the argument log
     */
    static Path create(Path bin, Map<String, String> before) throws IOException {
        Path argvLog = bin.resolve("argv.log");
        Path realBin = PgCluster.serverBinaries();
        for (String program : PROGRAMS) {
            Path wrapper = bin.resolve(program);
            Files.writeString(wrapper, "#!/bin/sh\nprintf '%s\\n' \"$0 $*\" >> '" + argvLog + "'\n"
                    + before.getOrDefault(program, "") + "exec '" + realBin.resolve(program) + "' \"$@\"\n");
            Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return argvLog;
    }
}
