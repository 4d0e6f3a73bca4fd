package org.pgbackup.compression;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Optional;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorInputStream;

/**
 * What an archive file holds, told by its first bytes and said by its name: a PostgreSQL
 * custom-format archive ({@code .dump}, whatever {@code pg_dump} compressed inside it), or
 * one wrapped in a zstd frame ({@code .dump.zst}), which {@code zstd -dc} unwraps.
 */
public enum ArchiveForm {
    /** A custom-format archive as {@code pg_dump --format=custom} writes it. */
    CUSTOM(".dump", new byte[] {'P', 'G', 'D', 'M', 'P'}),
    /** A custom-format archive inside one zstd frame. */
    ZSTD(".dump.zst", new byte[] {0x28, (byte) 0xB5, 0x2F, (byte) 0xFD});

    /** How many leading bytes {@link #detect(byte[])} needs. */
    public static final int HEAD_LENGTH = 5;

    private final String extension;
    private final byte[] magic;

    ArchiveForm(String extension, byte[] magic) {
        this.extension = extension;
        this.magic = magic;
    }

    /** The file name extension, {@code .dump} or {@code .dump.zst}. */
    public String extension() {
        return extension;
    }

    /** The form a file name says, by its extension; empty for any other name. */
    public static Optional<ArchiveForm> ofFileName(String fileName) {
        for (ArchiveForm form : values()) {
            if (fileName.endsWith(form.extension)) {
                return Optional.of(form);
            }
        }
        return Optional.empty();
    }

    /** The form that the leading bytes of a file show, or empty if they are neither. */
    public static Optional<ArchiveForm> detect(byte[] head) {
        for (ArchiveForm form : values()) {
            if (head.length >= form.magic.length && Arrays.equals(head, 0, form.magic.length, form.magic, 0,
                    form.magic.length)) {
                return Optional.of(form);
            }
        }
        return Optional.empty();
    }

    /**
     * Reads the leading bytes of a stream without consuming them.
     *
     * @param in a stream that supports mark and reset
     */
    public static Optional<ArchiveForm> peek(BufferedInputStream in) throws IOException {
        in.mark(HEAD_LENGTH);
        byte[] head = in.readNBytes(HEAD_LENGTH);
        in.reset();
        return detect(head);
    }

    /**
     * The custom-format archive inside a stored file of this form: the stream itself, or
     * the zstd frame decompressed, its checksum checked at the end.
     */
    public InputStream unwrap(InputStream stored) throws IOException {
        return this == ZSTD ? new ZstdCompressorInputStream(stored) : stored;
    }

    /**
     * Why a file's bytes do not fit its name, or empty if they do.
     *
     * @param fileName the name, whose extension says the form
     * @param actual the form its leading bytes show, empty if neither
     */
    public static Optional<String> mismatch(String fileName, Optional<ArchiveForm> actual) {
        Optional<ArchiveForm> named = ofFileName(fileName);
        if (actual.isEmpty()) {
            return Optional.of("it is neither a PostgreSQL custom-format archive nor a zstd-compressed one");
        }
        if (named.isPresent() && named.get() != actual.get()) {
            String base = fileName.substring(0, fileName.length() - named.get().extension.length());
            return Optional.of("its bytes are " + actual.get().description() + " but its name ends in "
                    + named.get().extension + "; rename it to " + base + actual.get().extension);
        }
        return Optional.empty();
    }

    private String description() {
        return this == ZSTD ? "a zstd-compressed archive" : "a plain custom-format archive";
    }
}
