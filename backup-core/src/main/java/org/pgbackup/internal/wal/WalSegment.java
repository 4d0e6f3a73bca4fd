package org.pgbackup.internal.wal;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One file of the write-ahead log: the segment of a timeline that holds a range of positions,
 * named as the server names it, {@code TTTTTTTTXXXXXXXXYYYYYYYY} (timeline, then the segment
 * number split at 4 GiB), the name the archive keeps it under.
 *
 * @param timeline the timeline, from 1
 * @param number the segment's number: its first position divided by the segment size
 * @param size the server's {@code wal_segment_size}: a power of two from 1 MiB to 1 GiB
 */
record WalSegment(int timeline, long number, long size) {
    private static final Pattern NAME = Pattern.compile("([0-9A-F]{8})([0-9A-F]{8})([0-9A-F]{8})");
    private static final long MIN_SIZE = 1L << 20;
    private static final long MAX_SIZE = 1L << 30;

    WalSegment {
        if (timeline < 1) {
            throw new IllegalArgumentException("A timeline counts from 1: " + timeline);
        }
        if (size < MIN_SIZE || size > MAX_SIZE || Long.bitCount(size) != 1) {
            throw new IllegalArgumentException("A WAL segment size is a power of two from 1 MiB to 1 GiB: " + size);
        }
        if (Long.compareUnsigned(number, Long.divideUnsigned(-1L, size)) > 0) {
            throw new IllegalArgumentException("No WAL segment " + number + " with segments of " + size + " bytes");
        }
    }

    /** The segment of the timeline that holds the position. */
    static WalSegment holding(int timeline, Lsn lsn, long size) {
        return new WalSegment(timeline, Long.divideUnsigned(lsn.position(), size), size);
    }

    /**
     * The segment a file name names, or empty if it names none: a history file, a partial
     * segment ({@code .partial}) or a backup label are not segments.
     */
    static Optional<WalSegment> parse(String name, long size) {
        Matcher segment = NAME.matcher(name);
        if (!segment.matches()) {
            return Optional.empty();
        }
        int timeline = Integer.parseUnsignedInt(segment.group(1), 16);
        long high = Long.parseLong(segment.group(2), 16);
        long low = Long.parseLong(segment.group(3), 16);
        long perHigh = perHigh(size);
        if (timeline < 1 || low >= perHigh) {
            return Optional.empty();
        }
        return Optional.of(new WalSegment(timeline, high * perHigh + low, size));
    }

    /** Segments per 4 GiB, the unit of the name's middle part. */
    private static long perHigh(long size) {
        return 0x1_0000_0000L / size;
    }

    /** The file name the server gives the segment. */
    String name() {
        long perHigh = perHigh(size);
        return String.format("%08X%08X%08X", timeline, number / perHigh, number % perHigh);
    }

    /** Its first position. */
    Lsn start() {
        return new Lsn(number * size);
    }

    /** The segment after it on the same timeline. */
    WalSegment next() {
        return new WalSegment(timeline, number + 1, size);
    }

    /** The same range of positions on another timeline. */
    WalSegment on(int otherTimeline) {
        return new WalSegment(otherTimeline, number, size);
    }

    @Override
    public String toString() {
        return name();
    }
}
