package org.pgbackup.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;
import org.pgbackup.controller.ProgressListener;

/**
 * The one line on a terminal's standard error that follows a dump, restore or verify:
 * {@code users: dumping 48.2 MiB at 12.1 MiB/s, 0:04}. It is redrawn in place at most four
 * times a second, and wiped when the operation ends, so that what the command prints
 * afterwards starts on a clean line. Parallel dumps share it: it shows the latest event.
 */
final class ProgressLine implements ProgressListener {
    private static final long REDRAW_NANOS = 250_000_000L;

    private final PrintStream terminal;
    private final LongSupplier nanoClock;
    private long phaseStarted;
    private long lastDrawn = Long.MIN_VALUE;
    private int drawnWidth;
    private Phase phase = Phase.WAITING_FOR_LOCK;

    ProgressLine(PrintStream terminal, LongSupplier nanoClock) {
        this.terminal = terminal;
        this.nanoClock = nanoClock;
        this.phaseStarted = nanoClock.getAsLong();
    }

    @Override
    public synchronized void phase(String service, Phase phase) {
        this.phase = phase;
        phaseStarted = nanoClock.getAsLong();
        if (phase == Phase.FINISHED) {
            draw("");
            return;
        }
        draw(render(service, phase, -1, Duration.ZERO));
    }

    @Override
    public synchronized void transferred(String service, long bytes) {
        long now = nanoClock.getAsLong();
        if (now - lastDrawn < REDRAW_NANOS) {
            return;
        }
        draw(render(service, phase, bytes, Duration.ofNanos(now - phaseStarted)));
    }

    private void draw(String line) {
        lastDrawn = nanoClock.getAsLong();
        String padding = " ".repeat(Math.max(0, drawnWidth - line.length()));
        terminal.print("\r" + line + padding + (line.isEmpty() ? "\r" : ""));
        terminal.flush();
        drawnWidth = line.length();
    }

    /**
     * What the line says: the phase, and once bytes flow the amount, the rate and the time
     * since the phase began.
     *
     * @param bytes bytes streamed so far, or -1 before any
     */
    static String render(String service, Phase phase, long bytes, Duration elapsed) {
        String what = phase.name().toLowerCase(Locale.ROOT).replace('_', ' ');
        if (bytes < 0) {
            return service + ": " + what + "...";
        }
        double seconds = elapsed.toNanos() / 1e9;
        String rate = seconds > 0 ? " at " + Main.bytes((long) (bytes / seconds)) + "/s" : "";
        long s = elapsed.toSeconds();
        return String.format(Locale.ROOT, "%s: %s %s%s, %d:%02d", service, what, Main.bytes(bytes), rate, s / 60,
                s % 60);
    }
}
