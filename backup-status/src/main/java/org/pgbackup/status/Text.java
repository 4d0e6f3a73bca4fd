package org.pgbackup.status;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** How the page writes sizes, durations and times for people. */
final class Text {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT);
    private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB"};

    private Text() {
    }

    /** {@code 1.4 MiB}. */
    static String bytes(long bytes) {
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < UNITS.length - 1) {
            value /= 1024;
            unit++;
        }
        return unit == 0 ? bytes + " B" : (value < 10 ? tenths(value) : Long.toString(Math.round(value))) + " "
                + UNITS[unit];
    }

    /**
     * {@code 2.5}: one decimal, rounded half up as {@code %.1f} does. By hand because the page
     * writes hundreds of these a second, and {@link String#format} is the costliest code the
     * JIT compiles for it.
     */
    private static String tenths(double value) {
        long tenths = Math.round(value * 10);
        return tenths / 10 + "." + tenths % 10;
    }

    /** The two largest units: {@code 3 d 4 h}, {@code 5 min 2 s}, {@code 0.4 s}. */
    static String duration(Duration duration) {
        long seconds = Math.abs(duration.getSeconds());
        if (seconds < 10) {
            return tenths(Math.abs(duration.toMillis()) / 1000.0) + " s";
        }
        long days = seconds / 86_400;
        long hours = seconds % 86_400 / 3600;
        long minutes = seconds % 3600 / 60;
        if (days > 0) {
            return days + " d" + (hours > 0 ? " " + hours + " h" : "");
        }
        if (hours > 0) {
            return hours + " h" + (minutes > 0 ? " " + minutes + " min" : "");
        }
        return minutes > 0 ? minutes + " min" + (seconds % 60 > 0 ? " " + seconds % 60 + " s" : "") : seconds + " s";
    }

    /** {@code 3 h ago} or {@code in 2 h}. */
    static String relative(Instant then, Instant now) {
        Duration between = Duration.between(then, now);
        return between.isNegative() ? "in " + duration(between) : duration(between) + " ago";
    }

    /** {@code 2026-12-05 03:00} in the controller's zone. */
    static String time(Instant instant, ZoneId zone) {
        return TIME.format(instant.atZone(zone));
    }
}
