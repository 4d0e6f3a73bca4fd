package org.pgbackup.internal.operation;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.stream.Stream;

/** What is in a directory, copied, moved or cleared as one: the data directories that restores write. */
final class DirectoryContents {
    private DirectoryContents() {
    }

    /** Whether a directory exists and holds anything. */
    static boolean occupied(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return false;
        }
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.findAny().isPresent();
        }
    }

    /**
     * Moves everything in one directory into another, made if missing: renamed where both are
     * on one file system, copied and then deleted where not (a mounted volume cannot be renamed).
     */
    static void move(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        for (Path entry : entries(from)) {
            Path target = to.resolve(entry.getFileName().toString());
            try {
                Files.move(entry, target);
            } catch (DirectoryNotEmptyException | java.nio.file.AtomicMoveNotSupportedException e) {
                copy(entry, target);
                delete(entry);
            }
        }
    }

    /** Deletes everything in a directory, leaving the directory itself. */
    static void clear(Path directory) throws IOException {
        if (Files.isDirectory(directory)) {
            for (Path entry : entries(directory)) {
                delete(entry);
            }
        }
    }

    /** Copies a file or a tree, keeping each file's attributes. */
    static void copy(Path source, Path target) throws IOException {
        if (!Files.exists(source)) {
            return;
        }
        Files.walkFileTree(source, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Files.createDirectories(target.resolve(source.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Path to = target.resolve(source.relativize(file).toString());
                Files.createDirectories(to.getParent());
                Files.copy(file, to, StandardCopyOption.COPY_ATTRIBUTES);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void delete(Path tree) throws IOException {
        Files.walkFileTree(tree, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static List<Path> entries(Path directory) throws IOException {
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.toList();
        }
    }
}
