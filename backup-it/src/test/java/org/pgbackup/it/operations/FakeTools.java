package org.pgbackup.it.operations;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * The PostgreSQL programs as the controller sees them, without PostgreSQL: one script
 * installed as {@code psql}, {@code pg_dump}, {@code pg_dumpall} and {@code pg_restore}
 * that answers version questions as 17.2, dumps a small custom-format archive, and
 * records every restore into a database in {@code restores.log}. Given to a client with
 * {@code pgBinDir}, it is the tool layer of the operation tests.
 */
final class FakeTools {
    private static final String SCRIPT = """
            #!/bin/sh
            here=$(dirname "$0")
            name=$(basename "$0")
            case "$*" in
              *--version*) echo "$name (PostgreSQL) 17.2"; exit 0 ;;
            esac
            case "$name" in
              psql)
                case "$*" in
                  *server_version*) echo "170002 17.2" ;;
                  *) cat > /dev/null ;;
                esac ;;
              pg_dumpall) echo "CREATE ROLE fake;" ;;
              pg_dump)
                printf 'PGDMP'
                i=0
                while [ $i -lt 2000 ]; do echo "row $i of a fake archive"; i=$((i+1)); done ;;
              pg_restore)
                case "$*" in
                  *--file=/dev/null*) cat > /dev/null ;;
                  *) cat > /dev/null; echo "$*" >> "$here/restores.log" ;;
                esac ;;
            esac
            """;

    private FakeTools() {
    }

    /** Installs the programs in a new directory under {@code root} and returns it. */
    static Path install(Path root) throws IOException {
        Path bin = Files.createDirectories(root.resolve("fake-bin"));
        for (String program : List.of("psql", "pg_dump", "pg_dumpall", "pg_restore")) {
            Path file = bin.resolve(program);
            Files.writeString(file, SCRIPT);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return bin;
    }

    /** The restores into a database the fake {@code pg_restore} ran, one line of arguments each. */
    static List<String> restores(Path bin) throws IOException {
        Path log = bin.resolve("restores.log");
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }
}
