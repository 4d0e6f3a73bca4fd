package org.pgbackup.internal.wal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.function.UnaryOperator;
import org.pgbackup.compression.ArchiveForm;
import org.pgbackup.encryption.Encryption;
import org.pgbackup.error.ArchiveCorruptException;
import org.pgbackup.spi.Storage;

/**
 * An object {@link SealedUpload} stored, read back: its stored bytes copied to a local file and
 * checked against the SHA-256 its sidecar recorded before any of them is decrypted or used, so
 * that a damaged object is refused before anything is written from it.
 */
final class SealedDownload implements AutoCloseable {
    private final Path stored;
    private final String object;

    private SealedDownload(Path stored, String object) {
        this.stored = stored;
        this.object = object;
    }

    /**
     * Copies an object into a file in {@code scratch} and checks it.
     *
     * @param what the object for messages, such as {@code WAL file 0000000100000000000000A3 of service 'shop' in s3}
     * @param reading wraps the stored bytes as they are read, such as to count them
     * @throws ArchiveCorruptException if the object is missing or its bytes are not those recorded
     */
    static SealedDownload fetch(Storage storage, String directory, String object, String sha256, Path scratch,
            String what, UnaryOperator<InputStream> reading) throws IOException {
        Path stored = Files.createTempFile(scratch, "fetch", ".stored");
        try {
            MessageDigest digest = SealedUpload.sha256();
            try (InputStream in = new DigestInputStream(reading.apply(storage.open(directory, object)), digest)) {
                Files.copy(in, stored, StandardCopyOption.REPLACE_EXISTING);
            } catch (NoSuchFileException e) {
                throw new ArchiveCorruptException(what + " is missing: its checksum names " + object
                        + ", which is not there");
            }
            String actual = HexFormat.of().formatHex(digest.digest());
            if (!actual.equals(sha256)) {
                throw new ArchiveCorruptException(what + " is damaged: " + object + " has sha256 " + actual
                        + ", its checksum says " + sha256);
            }
            return new SealedDownload(stored, object);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(stored);
            throw e;
        }
    }

    /** The plain bytes: decrypted when the object is age, then out of its zstd frame. */
    InputStream plain(Encryption encryption, String what) throws IOException {
        InputStream in = Files.newInputStream(stored);
        try {
            return ArchiveForm.ZSTD.unwrap(object.endsWith(".age") ? encryption.decrypting(in, what) : in);
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    /** Removes the local copy. */
    @Override
    public void close() throws IOException {
        Files.deleteIfExists(stored);
    }
}
