package org.pgbackup.controller;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * SHA-256, size and leading bytes of an archive, taken on the way as it streams, so that
 * the archive is read once whatever is checked.
 */
final class ArchiveDigest {
    /** Bytes at the start of every PostgreSQL custom-format archive. */
    static final byte[] CUSTOM_FORMAT_MAGIC = {'P', 'G', 'D', 'M', 'P'};
    private static final int BUFFER = 64 * 1024;

    private final MessageDigest sha256;
    private final byte[] head = new byte[CUSTOM_FORMAT_MAGIC.length];
    private long size;

    ArchiveDigest() {
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every JDK has SHA-256", e);
        }
    }

    /** Copies a stream to its end, taking the digest on the way. */
    long copy(InputStream in, OutputStream out) throws IOException {
        byte[] buffer = new byte[BUFFER];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            update(buffer, n);
            out.write(buffer, 0, n);
        }
        return size;
    }

    private void update(byte[] buffer, int n) {
        if (size < head.length) {
            System.arraycopy(buffer, 0, head, (int) size, (int) Math.min(n, head.length - size));
        }
        sha256.update(buffer, 0, n);
        size += n;
    }

    long size() {
        return size;
    }

    /** Whether the bytes begin as a PostgreSQL custom-format archive does. */
    boolean customFormat() {
        return size >= head.length && Arrays.equals(head, CUSTOM_FORMAT_MAGIC);
    }

    /** The lower-case hex SHA-256; call once, after the last byte. */
    String sha256() {
        return HexFormat.of().formatHex(sha256.digest());
    }
}
