package org.pgbackup.config;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reads environment variables into typed values, collecting a problem for each bad value
 * instead of failing at the first, in the one form every message takes:
 * {@code Invalid value for NAME (should be ...): value}. Storage providers use it for
 * their own settings, so that their problems read like the controller's.
 */
public final class Variables {
    private final Map<String, String> environment;
    private final List<String> problems;

    /**
     * @param environment the variables
     * @param problems receives one sentence per bad value
     */
    public Variables(Map<String, String> environment, List<String> problems) {
        this.environment = requireNonNull(environment, "environment is null");
        this.problems = requireNonNull(problems, "problems is null");
    }

    /** A variable's value, trimmed; empty when unset or blank. */
    public Optional<String> text(String name) {
        String value = environment.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    /** {@code true} or {@code false}, in any case; the fallback when unset or bad. */
    public boolean bool(String name, boolean fallback) {
        Optional<String> value = text(name);
        if (value.isEmpty()) {
            return fallback;
        }
        switch (value.get().toLowerCase(Locale.ROOT)) {
            case "true":
                return true;
            case "false":
                return false;
            default:
                invalid(name, "true or false", value.get());
                return fallback;
        }
    }

    /**
     * A whole number from {@code min} to {@code max}; the fallback when unset or bad.
     *
     * @param should what a good value is, for the message, such as "a whole number from 0 to 100"
     */
    public long whole(String name, long fallback, long min, long max, String should) {
        Optional<String> value = text(name);
        if (value.isEmpty()) {
            return fallback;
        }
        try {
            long n = Long.parseLong(value.get());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // Reported below, like a number out of range.
        }
        invalid(name, should, value.get());
        return fallback;
    }

    /** Records a bad value. */
    public void invalid(String name, String should, String value) {
        problems.add("Invalid value for " + name + " (should be " + should + "): " + value);
    }

    /** Records a problem that is not a bad value, such as a missing one. */
    public void problem(String sentence) {
        problems.add(sentence);
    }
}
