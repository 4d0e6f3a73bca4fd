package org.pgbackup.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The SHA-256 of stored bytes as coreutils' {@code sha256sum} computes it: a value the tests
 * hold the controller's digests against, computed by code that is not the controller's.
 */
public final class Sha256Sum {
    private Sha256Sum() {
    }

    /** {@code sha256sum FILE}, the hex digest alone. */
    public static String of(Path file) {
        Exec.Result result = Exec.run(new ProcessBuilder("sha256sum", "--", file.toString()), null)
                .requireSuccess("sha256sum " + file);
        return result.stdout().substring(0, 64);
    }

    /** The same of bytes held in memory (written to a file first, so that the same tool reads them). */
    public static String of(byte[] bytes) {
        try {
            Path file = Files.createTempFile("sha256sum", ".bin");
            try {
                Files.write(file, bytes);
                return of(file);
            } finally {
                Files.delete(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
