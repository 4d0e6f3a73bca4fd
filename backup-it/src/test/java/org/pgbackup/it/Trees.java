package org.pgbackup.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.pgbackup.config.Configuration;

/** Looks at directory trees the way a test compares them before and after a command. */
final class Trees {
    private Trees() {
    }

    /**
     * Every path below root, with its size, modification time and permissions; the services'
     * state directories, whose lock files every operation touches, are left out.
     */
    static Map<String, String> snapshot(Path root) {
        Map<String, String> entries = new TreeMap<>();
        if (!Files.exists(root)) {
            return entries;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.filter(p -> !root.relativize(p).toString().contains(".pgbackup")).forEach(p -> {
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

    /**
     * The names in a service's backup directory, sorted, hidden temporary files included,
     * but not the state directory (lock, restore copy, resetwal saves), which stays.
     */
    static List<String> names(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> !n.equals(Configuration.STATE_DIRECTORY))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
