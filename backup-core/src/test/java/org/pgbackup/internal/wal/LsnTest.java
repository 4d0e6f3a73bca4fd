package org.pgbackup.internal.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LsnTest {
    @Test
    void readsAndWritesPositionsAsTheServerPrintsThem() {
        assertThat(Lsn.parse("16/B374D848").position()).isEqualTo(0x16_B374_D848L);
        assertThat(Lsn.parse("16/B374D848")).hasToString("16/B374D848");
        assertThat(Lsn.parse("0/0")).hasToString("0/0");
        assertThat(Lsn.parse("0/3000028")).hasToString("0/3000028");
        assertThat(Lsn.parse("ff/a")).hasToString("FF/A");
        assertThat(Lsn.parse("FFFFFFFF/FFFFFFFF").position()).isEqualTo(-1L);
    }

    @Test
    void comparesPositionsBeyondTheSignBitAsLarger() {
        assertThat(Lsn.parse("FFFFFFFF/0")).isGreaterThan(Lsn.parse("7FFFFFFF/FFFFFFFF"));
        assertThat(Lsn.parse("0/1000000")).isGreaterThan(Lsn.parse("0/FFFFFF"));
        assertThat(Lsn.parse("1/0")).isGreaterThan(Lsn.parse("0/FFFFFFFF"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "16", "16/", "/B374D848", "16/B374D848/0", "G/0", "123456789/0", "0/123456789",
        " 0/1"})
    void refusesWhatIsNoPosition(String text) {
        assertThatThrownBy(() -> Lsn.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Not a WAL position (LSN), which reads like 16/B374D848: " + text);
    }
}
