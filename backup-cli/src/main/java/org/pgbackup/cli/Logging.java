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

    /** @param level {@code LOG_LEVEL}: trace, debug, info (the default), warn, error or off */
    static synchronized void configure(String level) {
        if (Configuration.isFrozen() || level == null || level.isBlank()) {
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
