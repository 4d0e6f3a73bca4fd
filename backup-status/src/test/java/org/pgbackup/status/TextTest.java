package org.pgbackup.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class TextTest {
    @Test
    void sizesInBinaryUnits() {
        assertThat(Text.bytes(0)).isEqualTo("0 B");
        assertThat(Text.bytes(1023)).isEqualTo("1023 B");
        assertThat(Text.bytes(1536)).isEqualTo("1.5 KiB");
        assertThat(Text.bytes(200L * 1024 * 1024)).isEqualTo("200 MiB");
    }

    @Test
    void sizesAndShortDurationsAreRoundedAsStringFormatRoundsThem() {
        String[] units = {"KiB", "MiB", "GiB"};
        for (long bytes = 1024; bytes < 12L * 1024 * 1024 * 1024; bytes = bytes * 21 / 20 + 7) {
            double value = bytes;
            int unit = -1;
            while (value >= 1024 && unit < units.length - 1) {
                value /= 1024;
                unit++;
            }
            String expected = String.format(Locale.ROOT, value < 10 ? "%.1f %s" : "%.0f %s", value, units[unit]);
            assertThat(Text.bytes(bytes)).as("%d bytes", bytes).isEqualTo(expected);
        }
        for (long millis = 0; millis < 10_000; millis++) {
            assertThat(Text.duration(Duration.ofMillis(millis))).as("%d ms", millis)
                    .isEqualTo(String.format(Locale.ROOT, "%.1f s", millis / 1000.0));
        }
    }

    @Test
    void durationsInTheirTwoLargestUnits() {
        assertThat(Text.duration(Duration.ofMillis(420))).isEqualTo("0.4 s");
        assertThat(Text.duration(Duration.ofSeconds(75))).isEqualTo("1 min 15 s");
        assertThat(Text.duration(Duration.ofMinutes(180))).isEqualTo("3 h");
        assertThat(Text.duration(Duration.ofHours(50).plusMinutes(5))).isEqualTo("2 d 2 h");
        Instant now = Instant.parse("2026-12-05T12:00:00Z");
        assertThat(Text.relative(now.minusSeconds(7200), now)).isEqualTo("2 h ago");
        assertThat(Text.relative(now.plusSeconds(5400), now)).isEqualTo("in 1 h 30 min");
    }
}
