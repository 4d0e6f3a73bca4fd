package org.pgbackup.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.pgbackup.controller.RunRecord;
import org.pgbackup.controller.RunRecord.Outcome;

class SvgPlotTest {
    private static RunRecord run(int hour, Outcome outcome, long size) {
        return new RunRecord("app", Instant.parse("2026-12-01T00:00:00Z").plus(Duration.ofHours(hour)),
                Duration.ofSeconds(hour + 1), outcome, Optional.empty(), size, List.of(), Map.of(), Optional.empty());
    }

    @Test
    void aPointPerRunTheLineThroughTheGoodOnesAndTheLargestValueOnTheAxis() {
        List<RunRecord> runs = List.of(run(0, Outcome.OK, 100), run(6, Outcome.FAILED, 0), run(12, Outcome.OK, 300));
        StringBuilder out = new StringBuilder();
        SvgPlot.draw(out, "Archive size", runs, RunRecord::size, v -> Text.bytes(Math.round(v)), ZoneOffset.UTC);
        String svg = out.toString();
        assertThat(Pattern.compile("<circle ").matcher(svg).results().count()).isEqualTo(3);
        assertThat(svg).contains("class=\"point failed\"").contains(">300 B</text>").contains(">0 B</text>")
                .contains(">2026-12-01 00:00</text>").contains(">2026-12-01 12:00</text>");
        // The good runs at x = 64 (first) and 628 (last); the largest at the top, y = 12; 100 B a third up from 154.
        assertThat(svg).contains("<polyline class=line points=\"64.0,106.7 628.0,12.0\" />");
    }

    @Test
    void noRunsSaySoAndOneRunSitsInTheMiddle() {
        StringBuilder none = new StringBuilder();
        SvgPlot.draw(none, "Dump duration", List.of(), r -> 1, v -> "", ZoneOffset.UTC);
        assertThat(none.toString()).contains("No runs yet.").doesNotContain("<svg");
        StringBuilder one = new StringBuilder();
        SvgPlot.draw(one, "Dump duration", List.of(run(0, Outcome.OK, 5)), r -> 1, v -> "", ZoneOffset.UTC);
        assertThat(one.toString()).contains("cx=\"346.0\"");
    }
}
