package org.pgbackup.internal.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Against what PostgreSQL 15 wrote: a primary with 16 MiB segments, a standby of it promoted
 * at 0/3310878 (timeline 2), and a standby of that one promoted at 0/61D7848 (timeline 3).
 * The files below are the servers' {@code 00000002.history} and {@code 00000003.history}
 * byte for byte, and the segment names those of their {@code pg_wal} directories.
 */
class TimelineHistoryTest {
    private static final long SIZE = 16L << 20;
    private static final String TWO = "1\t0/3310878\tno recovery target specified\n";
    private static final String THREE = "1\t0/3310878\tno recovery target specified\n\n"
            + "2\t0/61D7848\tno recovery target specified\n";

    @Test
    void readsTheAncestorsAndWhereEachEnded() {
        TimelineHistory three = TimelineHistory.parse(3, THREE);

        assertThat(three.ancestors()).containsExactly(new TimelineHistory.Ancestor(1, Lsn.parse("0/3310878")),
                new TimelineHistory.Ancestor(2, Lsn.parse("0/61D7848")));
        assertThat(three.timelineAt(Lsn.parse("0/3310877"))).isEqualTo(1);
        assertThat(three.timelineAt(Lsn.parse("0/3310878"))).isEqualTo(2);
        assertThat(three.timelineAt(Lsn.parse("0/61D7847"))).isEqualTo(2);
        assertThat(three.timelineAt(Lsn.parse("0/61D7848"))).isEqualTo(3);
        assertThat(three.contains(2)).isTrue();
        assertThat(three.contains(4)).isFalse();
        assertThat(TimelineHistory.parse(2, TWO).ancestors()).hasSize(1);
        assertThat(TimelineHistory.parse(2, "# a comment\n" + TWO)).isEqualTo(TimelineHistory.parse(2, TWO));
    }

    @Test
    void theSegmentInWhichATimelineBeganIsReadFromThatTimeline() {
        // Promoted at 0/3310878, the standby kept 000000010000000000000003 and wrote 000000020000000000000003.
        List<String> names = RecoverySegments.between(TimelineHistory.parse(3, THREE), Lsn.parse("0/2000028"),
                Lsn.parse("0/7000100"), SIZE).stream().map(WalSegment::name).toList();

        assertThat(names).containsExactly("000000010000000000000002", "000000020000000000000003",
                "000000020000000000000004", "000000020000000000000005", "000000030000000000000006",
                "000000030000000000000007");
    }

    @Test
    void onTheFirstTimelineEverySegmentIsOfIt() {
        List<WalSegment> segments = RecoverySegments.between(TimelineHistory.first(), Lsn.parse("0/FF000028"),
                Lsn.parse("1/01000000"), SIZE);

        assertThat(segments).extracting(WalSegment::name).containsExactly("0000000100000000000000FF",
                "000000010000000100000000", "000000010000000100000001");
    }

    @Test
    void theFirstMissingSegmentIsNamed() {
        List<WalSegment> segments = RecoverySegments.between(TimelineHistory.parse(3, THREE), Lsn.parse("0/2000028"),
                Lsn.parse("0/6000100"), SIZE);
        // The old timeline's copy of the switch segment is no stand-in for the new one's.
        Set<String> stored = Set.of("000000010000000000000002", "000000010000000000000003",
                "000000020000000000000004", "000000020000000000000005", "000000030000000000000006");

        assertThat(RecoverySegments.firstMissing(segments, stored)).map(WalSegment::name)
                .contains("000000020000000000000003");
        assertThat(RecoverySegments.firstMissing(segments.subList(2, segments.size()), stored)).isEmpty();
    }

    @Test
    void refusesAHistoryOutOfOrderOrNotOfThatForm() {
        assertThatThrownBy(() -> TimelineHistory.parse(3, "2\t0/61D7848\tx\n1\t0/3310878\tx\n"))
                .hasMessage("The history of timeline 3 is out of order at timeline 1");
        assertThatThrownBy(() -> TimelineHistory.parse(2, "2\t0/3310878\tx\n"))
                .hasMessage("Timeline 2 cannot follow timeline 2");
        assertThatThrownBy(() -> TimelineHistory.parse(2, "one\t0/3310878\tx\n"))
                .hasMessage("Not a line of the history of timeline 2: one\t0/3310878\tx");
        assertThatThrownBy(() -> TimelineHistory.parse(2, "1\n"))
                .hasMessage("Not a line of the history of timeline 2: 1");
        assertThatThrownBy(() -> RecoverySegments.between(TimelineHistory.first(), Lsn.parse("0/2"),
                Lsn.parse("0/1"), SIZE)).hasMessage("The target 0/1 is before the start 0/2");
    }
}
