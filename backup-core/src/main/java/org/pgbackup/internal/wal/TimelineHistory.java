package org.pgbackup.internal.wal;

import java.util.ArrayList;
import java.util.List;

/**
 * Where a timeline came from: the timelines before it and the position where each ended, as
 * the server writes them to {@code 0000000N.history} when a server is promoted. Recovery to a
 * point on a timeline reads each position from the timeline that held it then.
 *
 * @param timeline the timeline the history leads to
 * @param ancestors the timelines before it, oldest first, each with the position it ended at
 */
record TimelineHistory(int timeline, List<Ancestor> ancestors) {

    /**
     * A timeline before this one.
     *
     * @param timeline its number
     * @param end the position where the next timeline took over: positions from here on belong
     *     to it
     */
    record Ancestor(int timeline, Lsn end) {
    }

    TimelineHistory {
        ancestors = List.copyOf(ancestors);
        int previous = 0;
        Lsn previousEnd = new Lsn(0);
        for (Ancestor ancestor : ancestors) {
            if (ancestor.timeline() <= previous || ancestor.end().compareTo(previousEnd) < 0) {
                throw new IllegalArgumentException("The history of timeline " + timeline + " is out of order at"
                        + " timeline " + ancestor.timeline());
            }
            previous = ancestor.timeline();
            previousEnd = ancestor.end();
        }
        if (timeline <= previous) {
            throw new IllegalArgumentException("Timeline " + timeline + " cannot follow timeline " + previous);
        }
    }

    /** The first timeline, which has no history file. */
    static TimelineHistory first() {
        return new TimelineHistory(1, List.of());
    }

    /**
     * Reads a history file as the server writes it: a line per ancestor, its timeline, the
     * position it ended at and a reason, separated by tabs; blank lines and lines starting with
     * {@code #} are skipped, as the server skips them.
     *
     * @param timeline the timeline the file is of, from its name
     * @throws IllegalArgumentException if a line is not of that form, or the ancestors are out of order
     */
    static TimelineHistory parse(int timeline, String content) {
        List<Ancestor> ancestors = new ArrayList<>();
        for (String line : content.split("\n")) {
            String stripped = line.strip();
            if (stripped.isEmpty() || stripped.startsWith("#")) {
                continue;
            }
            String[] fields = stripped.split("\\s+", 3);
            try {
                Lsn end = Lsn.parse(fields.length > 1 ? fields[1] : "");
                ancestors.add(new Ancestor(Integer.parseInt(fields[0]), end));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Not a line of the history of timeline " + timeline + ": " + line, e);
            }
        }
        return new TimelineHistory(timeline, ancestors);
    }

    /** Whether the timeline is this one or one before it. */
    boolean contains(int other) {
        return other == timeline || ancestors.stream().anyMatch(a -> a.timeline() == other);
    }

    /** The timeline that held the position: the first whose end lies after it, or this one. */
    int timelineAt(Lsn position) {
        for (Ancestor ancestor : ancestors) {
            if (position.compareTo(ancestor.end()) < 0) {
                return ancestor.timeline();
            }
        }
        return timeline;
    }

    /**
     * The timeline whose file of a segment recovery reads: the newest that had begun by the
     * segment's start or within it. The segment in which a timeline began is copied to the new
     * timeline whole, with the new timeline's records after the switch, so it is read from there.
     */
    int timelineOfSegment(long number, long segmentSize) {
        for (int i = ancestors.size() - 1; i >= 0; i--) {
            long began = Long.divideUnsigned(ancestors.get(i).end().position(), segmentSize);
            if (Long.compareUnsigned(number, began) >= 0) {
                return i + 1 < ancestors.size() ? ancestors.get(i + 1).timeline() : timeline;
            }
        }
        return ancestors.isEmpty() ? timeline : ancestors.get(0).timeline();
    }
}
