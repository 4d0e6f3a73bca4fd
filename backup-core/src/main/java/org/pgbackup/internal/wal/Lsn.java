package org.pgbackup.internal.wal;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A position in the write-ahead log, as PostgreSQL's {@code pg_lsn} writes it: two
 * hexadecimal halves of a 64-bit byte position, {@code 16/B374D848}.
 *
 * @param position the byte position, compared unsigned
 */
public record Lsn(long position) implements Comparable<Lsn> {
    private static final Pattern TEXT = Pattern.compile("([0-9A-Fa-f]{1,8})/([0-9A-Fa-f]{1,8})");

    /**
     * Reads an LSN as the server prints it.
     *
     * @throws IllegalArgumentException if the text is not two hexadecimal halves of at most
     *     eight digits each, around a slash
     */
    static Lsn parse(String text) {
        Matcher lsn = TEXT.matcher(text);
        if (!lsn.matches()) {
            throw new IllegalArgumentException("Not a WAL position (LSN), which reads like 16/B374D848: " + text);
        }
        return new Lsn(Long.parseLong(lsn.group(1), 16) << 32 | Long.parseLong(lsn.group(2), 16));
    }

    @Override
    public int compareTo(Lsn other) {
        return Long.compareUnsigned(position, other.position);
    }

    /** As the server prints it: {@code %X/%X}. */
    @Override
    public String toString() {
        return Long.toHexString(position >>> 32).toUpperCase() + "/" + Long.toHexString(position & 0xFFFFFFFFL)
                .toUpperCase();
    }
}
