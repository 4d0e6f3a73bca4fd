package org.pgbackup.internal.wal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PitrRetentionTest {
    private static final long MIB = 1L << 20;
    private static final Instant NOW = Instant.parse("2026-12-20T12:00:00Z");
    private static final Duration WEEK = Duration.ofDays(7);

    /** A base backup that started in the given 1 MiB segment and ended on the given day of December. */
    private static BaseBackupManifest base(long segment, int day) {
        Instant ended = Instant.parse(String.format("2026-12-%02dT02:00:00Z", day));
        return new BaseBackupManifest("base_" + day, "base_" + day + ".tar.zst", new Lsn(segment * MIB + 40),
                new Lsn(segment * MIB + 4096), 1, MIB, ended.minusSeconds(60), ended, 1000, "00");
    }

    private static String segment(long number) {
        return new WalSegment(1, number, MIB).name();
    }

    @Test
    void theNewestBaseBackupBeforeTheWindowIsKeptWithEverythingAfterItAndTheOlderGoWithTheirWal() {
        // Daily backups from the 10th; the window starts on the 13th at noon, so the 13th's covers it.
        List<BaseBackupManifest> bases = List.of(base(10, 10), base(20, 11), base(30, 12), base(40, 13),
                base(50, 14), base(60, 19));
        Set<String> archived = Set.of(segment(9), segment(10), segment(39), segment(39) + ".partial", segment(40),
                segment(41), "00000002.history", segment(61));

        PitrRetention retention = PitrRetention.decide(bases, archived, NOW, WEEK);

        assertThat(retention.bases()).extracting(BaseBackupManifest::name)
                .containsExactly("base_10", "base_11", "base_12");
        assertThat(retention.wal()).as("before the 13th's start, segment 40; the history stays")
                .containsExactly(segment(9), segment(10), segment(39), segment(39) + ".partial");
    }

    @Test
    void aBaseBackupWithinTheWindowAndTheNewestAreNeverDeleted() {
        List<BaseBackupManifest> bases = List.of(base(30, 18), base(40, 19));
        assertThat(PitrRetention.decide(bases, Set.of(segment(29), segment(30)), NOW, WEEK).bases()).isEmpty();
        assertThat(PitrRetention.decide(bases, Set.of(segment(29), segment(30)), NOW, WEEK).wal())
                .containsExactly(segment(29));
        // Everything older than the window: the newest still stays, with the WAL from its start.
        PitrRetention old = PitrRetention.decide(bases, Set.of(segment(39), segment(40)), NOW.plus(Duration.ofDays(60)),
                WEEK);
        assertThat(old.bases()).extracting(BaseBackupManifest::name).containsExactly("base_18");
        assertThat(old.wal()).containsExactly(segment(39));
    }
}
