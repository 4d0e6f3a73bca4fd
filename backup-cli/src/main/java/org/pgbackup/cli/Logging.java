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
     */
    static synchronized void configure(String level, String format) {
        if (Configuration.isFrozen()) {
            return;
        }
        if (format != null && !format.isBlank()) {
            switch (format.trim().toLowerCase(Locale.ROOT)) {
                case "json" -> Configuration.set("writer", JsonLogWriter.class.getName());
                case "text" -> {
                    // The default console writer of tinylog.properties.
                }
                default -> throw new ConfigurationException("Invalid value for LOG_FORMAT (should be text or json): "
                        + format);
            }
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
}
