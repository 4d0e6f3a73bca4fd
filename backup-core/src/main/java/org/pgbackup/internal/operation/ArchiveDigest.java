package org.pgbackup.internal.operation;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import org.pgbackup.compression.ArchiveForm;

/**
 * SHA-256, size and leading bytes of an archive as stored, taken on the way as it streams,
 * so that the archive is read once whatever is checked.
 */
public final class ArchiveDigest {
    private static final int BUFFER = 64 * 1024;

    private final MessageDigest sha256;
    private final byte[] head = new byte[ArchiveForm.HEAD_LENGTH];
    private long size;
    private String hex;

    ArchiveDigest() {
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every JDK has SHA-256", e);
        }
    }

    /** A stream that takes the digest of what is read through it. */
    InputStream reading(InputStream in) {
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    update(new byte[] {(byte) b}, 0, 1);
                }
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n > 0) {
                    update(b, off, n);
                }
                return n;
            }

            @Override
            public long skip(long n) throws IOException {
                // Skipped bytes would miss the digest; reading them keeps it whole.
                return Math.max(read(new byte[(int) Math.min(n, BUFFER)]), 0);
            }

            @Override
            public boolean markSupported() {
                return false;
            }
        };
    }

    /**
     * A stream that takes the digest of what is written through it to {@code out}. Closing
     * it flushes but leaves {@code out} open, for its owner to commit or abort.
     */
    OutputStream writing(OutputStream out) {
        return new FilterOutputStream(out) {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                update(b, off, len);
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                out.flush();
            }
        };
    }

    private void update(byte[] buffer, int off, int n) {
        if (hex != null) {
            throw new IllegalStateException("The digest was taken already; no byte may follow");
        }
        if (size < head.length) {
            System.arraycopy(buffer, off, head, (int) size, (int) Math.min(n, head.length - size));
        }
        sha256.update(buffer, off, n);
        size += n;
    }

    long size() {
        return size;
    }

    /** The form the leading bytes show, or empty if they are no archive's. */
    Optional<ArchiveForm> form() {
        return size >= ArchiveForm.HEAD_LENGTH ? ArchiveForm.detect(head) : Optional.empty();
    }

    /**
     * The lower-case hex SHA-256, after the last byte. {@link MessageDigest#digest()} resets
     * the digest, so it is taken once and kept: every later call returns the same value.
     */
    String sha256() {
        if (hex == null) {
            hex = HexFormat.of().formatHex(sha256.digest());
        }
        return hex;
    }
}
