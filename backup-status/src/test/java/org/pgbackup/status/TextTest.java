package org.pgbackup.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
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
