package org.pgbackup.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Looks at directory trees the way a test compares them before and after a command. */
final class Trees {
    private Trees() {
    }

    /**
     * Every path below root, with its size, modification time and permissions; the lock
     * files, which every operation touches, are left out.
     */
    static Map<String, String> snapshot(Path root) {
        Map<String, String> entries = new TreeMap<>();
        if (!Files.exists(root)) {
            return entries;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.filter(p -> !root.relativize(p).toString().startsWith("locks")).forEach(p -> {
                try {
                    BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                    entries.put(root.relativize(p).toString(), a.size() + " " + a.lastModifiedTime() + " "
                            + PosixFilePermissions.toString(Files.getPosixFilePermissions(p)));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return entries;
    }

    /** Whether a file name or path ends as an archive of any form does: {@code .dump} or {@code .dump.zst}. */
    static boolean isArchive(String path) {
        return path.endsWith(".dump") || path.endsWith(".dump.zst");
    }

    static String permissions(Path path) {
        try {
            return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
