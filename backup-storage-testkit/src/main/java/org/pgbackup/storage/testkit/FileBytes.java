package org.pgbackup.storage.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * For {@link StorageContract#bytesReceived()} of a store of files: the bytes every regular
 * file under a directory holds, temporary files of writes in progress included.
 */
public final class FileBytes {
    private FileBytes() {
    }

    /** The sum of the sizes of every regular file under {@code root}; 0 if it does not exist. */
    public static long under(Path root) throws IOException {
        if (!Files.exists(root)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).mapToLong(file -> {
                try {
                    return Files.size(file);
                } catch (NoSuchFileException e) {
                    return 0; // Renamed or removed while walking.
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sum();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
