package org.pgbackup.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.pgbackup.controller.ProgressListener;
import org.pgbackup.controller.ProgressListener.Phase;

class ProgressLineTest {
    private final ByteArrayOutputStream drawn = new ByteArrayOutputStream();
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final ProgressLine line = new ProgressLine(new PrintStream(drawn, true, UTF_8), nanos::get);

    @Test
    void saysThePhaseThenBytesRateAndElapsedTime() {
        assertThat(ProgressLine.render("users", Phase.DUMPING, -1, Duration.ZERO)).isEqualTo("users: dumping...");
        assertThat(ProgressLine.render("users", Phase.DUMPING, 48L * 1024 * 1024, Duration.ofSeconds(4)))
                .isEqualTo("users: dumping 48.0 MiB at 12.0 MiB/s, 0:04");
        assertThat(ProgressLine.render("orders", Phase.RESTORING, 512, Duration.ofSeconds(75)))
                .isEqualTo("orders: restoring 512 B at 6 B/s, 1:15");
        assertThat(ProgressLine.render("users", Phase.WAITING_FOR_LOCK, -1, Duration.ZERO))
                .isEqualTo("users: waiting for lock...");
    }

    @Test
    void redrawsInPlaceAtMostFourTimesASecondAndWipesItselfAtTheEnd() {
        line.phase("users", Phase.DUMPING);
        for (int i = 1; i <= 100; i++) {
            nanos.addAndGet(10_000_000L);
            line.transferred("users", i * 1024L * 1024);
        }
        line.phase("users", Phase.FINISHED);

        String text = drawn.toString(UTF_8);
        assertThat(text).doesNotContain("\n");
        // One second of events every 10 ms: the phase, four redraws, and the wipe.
        assertThat(text.split("\r", -1)).hasSize(1 + 1 + 4 + 1 + 1);
        assertThat(text).contains("\rusers: dumping 25.0 MiB at 100.0 MiB/s, 0:00\r")
                .contains("\rusers: dumping 100.0 MiB at 100.0 MiB/s, 0:01");
        assertThat(text).endsWith("\r");
        assertThat(text.substring(text.lastIndexOf("users"))).matches("users[^\r]*\r *\r");
    }

    @Test
    void drawsNothingUnlessStandardErrorIsATerminalAndLogsAreText() {
        PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, UTF_8);
        assertThat(new ErrorStream(sink, false, false).progress()).isSameAs(ProgressListener.NONE);
        assertThat(new ErrorStream(sink, true, true).progress()).isSameAs(ProgressListener.NONE);
        assertThat(new ErrorStream(sink, false, true).progress()).isInstanceOf(ProgressLine.class);
    }
}
