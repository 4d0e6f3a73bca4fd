package org.pgbackup.internal.wal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What point-in-time recovery's retention deletes, decided from what is stored, so that a
 * restore can still reach every moment of the window and never meets a gap: every base backup
 * from the newest one that ended before the window began (it covers the window's start) on is
 * kept, and the newest always; older ones go. WAL before the oldest kept base backup's start
 * goes with them, since no kept backup reads it; timeline histories stay, being tiny and read
 * by every recovery that crosses them.
 *
 * @param bases the base backups to delete
 * @param wal the archived files to delete: segments, and the partial copies of segments, before
 *     the oldest kept base backup's start
 */
public record PitrRetention(List<BaseBackupManifest> bases, List<String> wal) {
    private static final String PARTIAL = ".partial";

    public PitrRetention {
        bases = List.copyOf(bases);
        wal = List.copyOf(wal);
    }

    /**
     * Decides.
     *
     * @param stored the base backups stored
     * @param archived the names of the archived files
     * @param window how far back a restore may go ({@code PITR_RETENTION_DAYS})
     */
    public static PitrRetention decide(List<BaseBackupManifest> stored, Set<String> archived, Instant now,
            Duration window) {
        List<BaseBackupManifest> bases = new ArrayList<>(stored);
        bases.sort(Comparator.comparing(BaseBackupManifest::ended));
        if (bases.isEmpty()) {
            return new PitrRetention(List.of(), List.of());
        }
        Instant windowStart = now.minus(window);
        int oldestKept = 0;
        for (int i = 0; i < bases.size(); i++) {
            if (!bases.get(i).ended().isAfter(windowStart)) {
                oldestKept = i;
            }
        }
        BaseBackupManifest kept = bases.get(oldestKept);
        long firstNeeded = Long.divideUnsigned(kept.start().position(), kept.segmentSize());
        List<String> wal = new ArrayList<>();
        for (String name : archived) {
            String segmentName = name.endsWith(PARTIAL) ? name.substring(0, name.length() - PARTIAL.length()) : name;
            Optional<WalSegment> segment = WalSegment.parse(segmentName, kept.segmentSize());
            if (segment.isPresent() && Long.compareUnsigned(segment.get().number(), firstNeeded) < 0) {
                wal.add(name);
            }
        }
        wal.sort(Comparator.naturalOrder());
        return new PitrRetention(bases.subList(0, oldestKept), wal);
    }
}
