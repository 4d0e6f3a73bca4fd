package org.pgbackup.status;

import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleFunction;
import java.util.function.ToDoubleFunction;
import org.pgbackup.controller.RunRecord;

/**
 * A plot of one figure of a service's runs over time, drawn on the server as inline SVG: a
 * point per run (coloured by outcome, with its figures as a tooltip), a line through the good
 * ones, the largest value and the first and last time on the axes. Nothing is loaded, nothing
 * runs: the page works on an air-gapped host and without JavaScript.
 */
final class SvgPlot {
    private static final int WIDTH = 640;
    private static final int HEIGHT = 180;
    private static final int LEFT = 64;
    private static final int RIGHT = 12;
    private static final int TOP = 12;
    private static final int BOTTOM = 26;

    private SvgPlot() {
    }

    /**
     * @param runs the runs to plot, oldest first
     * @param value the figure of a run
     * @param label how a value is written
     */
    static void draw(StringBuilder out, String title, List<RunRecord> runs, ToDoubleFunction<RunRecord> value,
            DoubleFunction<String> label, ZoneId zone) {
        out.append("<figure><figcaption>").append(Html.escape(title)).append("</figcaption>");
        if (runs.isEmpty()) {
            out.append("<p>No runs yet.</p></figure>");
            return;
        }
        double max = runs.stream().mapToDouble(value).max().orElse(0);
        double top = max <= 0 ? 1 : max;
        long first = runs.get(0).started().toEpochMilli();
        long span = runs.get(runs.size() - 1).started().toEpochMilli() - first;
        out.append("<svg class=plot viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT)
                .append("\" role=img aria-label=\"").append(Html.escape(title)).append(", ").append(runs.size())
                .append(" runs\">");
        int bottom = HEIGHT - BOTTOM;
        out.append("<line class=axis x1=").append(LEFT).append(" y1=").append(bottom).append(" x2=")
                .append(WIDTH - RIGHT).append(" y2=").append(bottom).append(" />");
        out.append("<line class=axis x1=").append(LEFT).append(" y1=").append(TOP).append(" x2=").append(LEFT)
                .append(" y2=").append(bottom).append(" />");
        text(out, LEFT - 6, TOP + 4, "end", label.apply(max));
        text(out, LEFT - 6, bottom, "end", label.apply(0));
        text(out, LEFT, HEIGHT - 6, "start", Text.time(runs.get(0).started(), zone));
        if (span > 0) {
            text(out, WIDTH - RIGHT, HEIGHT - 6, "end", Text.time(runs.get(runs.size() - 1).started(), zone));
        }
        StringBuilder line = new StringBuilder();
        StringBuilder points = new StringBuilder();
        for (RunRecord run : runs) {
            double x = span == 0 ? (LEFT + WIDTH - RIGHT) / 2.0
                    : LEFT + (WIDTH - RIGHT - LEFT) * (double) (run.started().toEpochMilli() - first) / span;
            double y = bottom - (bottom - TOP) * value.applyAsDouble(run) / top;
            String outcome = run.outcome().name().toLowerCase(Locale.ROOT);
            if (run.outcome() == RunRecord.Outcome.OK || run.outcome() == RunRecord.Outcome.INCOMPLETE) {
                line.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
            }
            points.append(String.format(Locale.ROOT, "<circle class=\"point %s\" cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\">",
                    outcome, x, y)).append("<title>").append(Text.time(run.started(), zone)).append(": ")
                    .append(label.apply(value.applyAsDouble(run))).append(", ").append(outcome).append("</title></circle>");
        }
        if (!line.isEmpty()) {
            out.append("<polyline class=line points=\"").append(line.toString().trim()).append("\" />");
        }
        out.append(points).append("</svg></figure>");
    }

    private static void text(StringBuilder out, int x, int y, String anchor, String text) {
        out.append("<text x=").append(x).append(" y=").append(y).append(" text-anchor=").append(anchor).append('>')
                .append(Html.escape(text)).append("</text>");
    }

    /** Seconds written as the page writes durations. */
    static String seconds(double seconds) {
        return Text.duration(Duration.ofMillis(Math.round(seconds * 1000)));
    }
}
