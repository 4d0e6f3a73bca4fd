package org.pgbackup.config;

import java.util.Optional;

/** The value of {@code MODE} and {@code SERVER}: {@code production}, or not. *
 * <p>Immutable, and so safe to share between threads.
 */
public enum Mode {
    PRODUCTION,
    DEVELOPMENT;

    /**
     * Reads a setting: {@code production}, {@code development} or empty (development).
     * Anything else is empty, so that a typo such as {@code prodution} is reported rather
     * than quietly taken as development.
     */
    static Optional<Mode> parse(String value) {
        if (value == null || value.isBlank() || value.trim().equals("development")) {
            return Optional.of(DEVELOPMENT);
        }
        return value.trim().equals("production") ? Optional.of(PRODUCTION) : Optional.empty();
    }
}
