package org.pgbackup.cli;

import java.util.Locale;
import java.util.Set;
import org.pgbackup.error.ConfigurationException;
import org.tinylog.configuration.Configuration;

/** Sets up tinylog, which must happen before the first log call. */
final class Logging {
    private static final Set<String> LEVELS = Set.of("trace", "debug", "info", "warn", "error", "off");

    private Logging() {
    }

    /**
     * @param level {@code LOG_LEVEL}: trace, debug, info (the default), warn, error or off
     * @param format {@code LOG_FORMAT}: text (the default) or json
     * @param terminal whether standard error is a terminal, where a progress line may stand:
     *     each text log line then wipes it first, and the line is redrawn at its next event
     */
    static synchronized void configure(String level, String format, boolean terminal) {
        if (Configuration.isFrozen()) {
            return;
        }
        if (format != null && !format.isBlank()) {
            switch (format.trim().toLowerCase(Locale.ROOT)) {
                case "json" -> Configuration.set("writer", JsonLogWriter.class.getName());
                case "text" -> wipeProgressLine(terminal);
                default -> throw new ConfigurationException("Invalid value for LOG_FORMAT (should be text or json): "
                        + format);
            }
        }
        if (format == null || format.isBlank()) {
            wipeProgressLine(terminal);
        }
        if (level == null || level.isBlank()) {
            return;
        }
        String normalised = level.trim().toLowerCase(Locale.ROOT);
        if (!LEVELS.contains(normalised)) {
            throw new ConfigurationException("Invalid value for LOG_LEVEL (should be trace, debug, info, warn, error"
                    + " or off): " + level);
        }
        Configuration.set("writer.level", normalised);
    }

    /** The text format of tinylog.properties, after a carriage return and erase-to-end-of-line. */
    private static void wipeProgressLine(boolean terminal) {
        if (terminal) {
            Configuration.set("writer.format", "\r\u001b[K{date:yyyy-MM-dd'T'HH:mm:ssXXX} {level}: {message}");
        }
    }
}
