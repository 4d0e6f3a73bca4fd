package org.pgbackup.internal.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WalSegmentTest {
    private static final long MIB = 1L << 20;

    /**
     * What PostgreSQL 15 answered, on clusters made with {@code initdb --wal-segsize} 1, 16 and
     * 1024: {@code SELECT current_setting('wal_segment_size'), l, pg_walfile_name(l::pg_lsn)},
     * on timeline 1, for positions inside a segment (at a segment's first byte the function
     * names the segment before).
     */
    @ParameterizedTest
    @CsvSource({
        "1, 0/3000028, 000000010000000000000030",
        "1, 16/B374D848, 000000010000001600000B37",
        "1, 0/FFFFF, 000000010000000000000000",
        "1, 1/8, 000000010000000100000000",
        "1, FF/FFFFFFF0, 00000001000000FF00000FFF",
        "1, 7FFFFFFF/12345678, 000000017FFFFFFF00000123",
        "16, 0/3000028, 000000010000000000000003",
        "16, 16/B374D848, 0000000100000016000000B3",
        "16, 1/8, 000000010000000100000000",
        "16, FF/FFFFFFF0, 00000001000000FF000000FF",
        "16, 7FFFFFFF/12345678, 000000017FFFFFFF00000012",
        "1024, 0/3000028, 000000010000000000000000",
        "1024, 16/B374D848, 000000010000001600000002",
        "1024, 1/8, 000000010000000100000000",
        "1024, FF/FFFFFFF0, 00000001000000FF00000003",
    })
    void namesTheSegmentHoldingAPositionAsTheServerDoes(long mebibytes, String lsn, String name) {
        WalSegment segment = WalSegment.holding(1, Lsn.parse(lsn), mebibytes * MIB);

        assertThat(segment.name()).isEqualTo(name);
        assertThat(WalSegment.parse(name, mebibytes * MIB)).contains(segment);
        assertThat(segment.start().compareTo(Lsn.parse(lsn))).isLessThanOrEqualTo(0);
        assertThat(segment.next().start().compareTo(Lsn.parse(lsn))).isPositive();
    }

    @Test
    void theNextSegmentCrossesTheNamesMiddlePartAtFourGibibytes() {
        WalSegment last = WalSegment.parse("0000000300000016000000FF", 16 * MIB).orElseThrow();

        assertThat(last.next().name()).isEqualTo("000000030000001700000000");
        assertThat(last.on(4).name()).isEqualTo("0000000400000016000000FF");
    }

    @Test
    void namesThatAreNoSegmentOfTheSizeAreNone() {
        assertThat(WalSegment.parse("00000002.history", 16 * MIB)).isEmpty();
        assertThat(WalSegment.parse("000000010000000000000003.partial", 16 * MIB)).isEmpty();
        assertThat(WalSegment.parse("000000010000000000000003.00000028.backup", 16 * MIB)).isEmpty();
        assertThat(WalSegment.parse("0000000100000016000000b3", 16 * MIB)).isEmpty();
        // 256 segments of 16 MiB make 4 GiB: the last part counts to FF.
        assertThat(WalSegment.parse("000000010000000000000100", 16 * MIB)).isEmpty();
        assertThat(WalSegment.parse("000000000000000000000001", 16 * MIB)).isEmpty();
        assertThat(WalSegment.parse("000000010000000000000100", MIB)).isEqualTo(Optional.of(
                new WalSegment(1, 0x100, MIB)));
    }

    @Test
    void aSegmentSizeIsAPowerOfTwoFromOneMebibyteToOneGibibyte() {
        assertThatThrownBy(() -> new WalSegment(1, 0, 3 * MIB)).hasMessageContaining("power of two");
        assertThatThrownBy(() -> new WalSegment(1, 0, MIB / 2)).hasMessageContaining("power of two");
        assertThatThrownBy(() -> new WalSegment(1, 0, 2048 * MIB)).hasMessageContaining("power of two");
        assertThatThrownBy(() -> new WalSegment(0, 0, 16 * MIB)).hasMessageContaining("from 1");
    }
}
