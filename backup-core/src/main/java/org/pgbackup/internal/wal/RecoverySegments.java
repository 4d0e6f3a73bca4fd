package org.pgbackup.internal.wal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The segments a recovery reads, in order: from the one holding a base backup's start to the
 * one holding the target, each from the timeline that the target's history says held it. A
 * restore checks that the archive has every one before it writes anything, and names the
 * first it lacks.
 */
final class RecoverySegments {
    private RecoverySegments() {
    }

    /**
     * The segments from {@code from} to {@code to}, both included, on the way that
     * {@code history} describes.
     *
     * @param history the history of the timeline the target is on
     * @param from where the base backup started (its checkpoint's redo position)
     * @param to the last position the recovery must read
     * @param segmentSize the server's {@code wal_segment_size}
     * @throws IllegalArgumentException if {@code to} is before {@code from}
     */
    static List<WalSegment> between(TimelineHistory history, Lsn from, Lsn to, long segmentSize) {
        if (to.compareTo(from) < 0) {
            throw new IllegalArgumentException("The target " + to + " is before the start " + from);
        }
        long first = Long.divideUnsigned(from.position(), segmentSize);
        long last = Long.divideUnsigned(to.position(), segmentSize);
        List<WalSegment> segments = new ArrayList<>();
        for (long number = first; Long.compareUnsigned(number, last) <= 0; number++) {
            segments.add(new WalSegment(history.timelineOfSegment(number, segmentSize), number, segmentSize));
        }
        return segments;
    }

    /** The first of the segments whose name the archive lacks. */
    static Optional<WalSegment> firstMissing(List<WalSegment> segments, Set<String> stored) {
        return segments.stream().filter(segment -> !stored.contains(segment.name())).findFirst();
    }
}
