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
 * one wrapped in a zstd frame ({@code .dump.zst}), which {@code zstd -dc} unwraps; and
 * either of them encrypted with age ({@code .age} after it), which {@code age -d} opens.
 * An encrypted file's first bytes show only that it is age: what is inside shows once it
 * is decrypted.
 *
 * <p>Immutable, and so safe to share between threads.
 */
public enum ArchiveForm {
    /** A custom-format archive as {@code pg_dump --format=custom} writes it. */
    CUSTOM(".dump", new byte[] {'P', 'G', 'D', 'M', 'P'}),
    /** A custom-format archive inside one zstd frame. */
    ZSTD(".dump.zst", new byte[] {0x28, (byte) 0xB5, 0x2F, (byte) 0xFD}),
    /** A custom-format archive encrypted with age. */
    AGE_CUSTOM(".dump.age", AgeMagic.BYTES),
    /** A zstd-wrapped custom-format archive encrypted with age. */
    AGE_ZSTD(".dump.zst.age", AgeMagic.BYTES);

    /** The start of every age file, {@code age-encryption.org/v1}, as far as {@link #HEAD_LENGTH} reads. */
    private static final class AgeMagic {
        static final byte[] BYTES = {'a', 'g', 'e', '-', 'e'};
    }

    /** How many leading bytes {@link #detect(byte[])} needs. */
    public static final int HEAD_LENGTH = 5;

    private final String extension;
    private final byte[] magic;

    ArchiveForm(String extension, byte[] magic) {
        this.extension = extension;
        this.magic = magic;
    }

    /** The file name extension, such as {@code .dump}, {@code .dump.zst} or {@code .dump.zst.age}. */
    public String extension() {
        return extension;
    }

    /** Whether the file is encrypted with age. */
    public boolean encrypted() {
        return this == AGE_CUSTOM || this == AGE_ZSTD;
    }

    /** What an encrypted file holds once decrypted; a plain form is its own. */
    public ArchiveForm inner() {
        return switch (this) {
            case AGE_CUSTOM -> CUSTOM;
            case AGE_ZSTD -> ZSTD;
            default -> this;
        };
    }

    /** This form encrypted with age. */
    public ArchiveForm encryptedForm() {
        return switch (this) {
            case CUSTOM, AGE_CUSTOM -> AGE_CUSTOM;
            case ZSTD, AGE_ZSTD -> AGE_ZSTD;
        };
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
     * The custom-format archive inside a plain file of this form: the stream itself, or
     * the zstd frame decompressed, its checksum checked at the end. An encrypted form is
     * decrypted first, by whoever holds the key, and its {@link #inner()} form unwraps.
     */
    public InputStream unwrap(InputStream stored) throws IOException {
        if (encrypted()) {
            throw new IllegalStateException(this + " must be decrypted before it is unwrapped");
        }
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
        if (named.isPresent() && named.get().encrypted() && actual.get().encrypted()) {
            // The first bytes of age show nothing of what is inside; decryption tells.
            return Optional.empty();
        }
        if (named.isPresent() && named.get() != actual.get()) {
            String base = fileName.substring(0, fileName.length() - named.get().extension.length());
            return Optional.of("its bytes are " + actual.get().description() + " but its name ends in "
                    + named.get().extension + "; rename it to " + base + actual.get().extension);
        }
        return Optional.empty();
    }

    private String description() {
        return switch (this) {
            case ZSTD -> "a zstd-compressed archive";
            case CUSTOM -> "a plain custom-format archive";
            default -> "an age-encrypted archive";
        };
    }
}
