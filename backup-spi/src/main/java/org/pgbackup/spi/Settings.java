package org.pgbackup.spi;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads named settings into typed values, collecting a problem for each bad value instead
 * of failing at the first, in the one form every message of the controller takes:
 * {@code Invalid value for NAME (should be ...): value}. A storage provider reads its own
 * settings with it, so that its problems read like the controller's and join them in one
 * report. Not thread-safe; one instance per reading.
 */
public final class Settings {
    private static final Pattern DURATION = Pattern.compile("(\\d+)([smhd]?)");

    private final Map<String, String> environment;
    private final List<String> problems;

    /**
     * @param environment the settings by name, such as those of {@link StorageContext#settings()}
     * @param problems receives one sentence per bad value
     */
    public Settings(Map<String, String> environment, List<String> problems) {
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

    /**
     * A positive duration: a whole number of seconds, or a number with {@code s}, {@code m},
     * {@code h} or {@code d}, such as {@code 90m} or {@code 1d}, the form every duration of
     * the controller takes; the fallback when unset or bad.
     */
    public Duration duration(String name, Duration fallback) {
        Optional<String> value = text(name);
        if (value.isEmpty()) {
            return fallback;
        }
        Optional<Duration> parsed = parseDuration(value.get());
        if (parsed.isEmpty()) {
            invalid(name, "a positive duration such as 1d, 26h, 90m or 3600", value.get());
        }
        return parsed.orElse(fallback);
    }

    /** Reads a duration in the form of {@link #duration}; empty when it is not one. */
    public static Optional<Duration> parseDuration(String text) {
        Matcher m = DURATION.matcher(text.trim());
        if (!m.matches()) {
            return Optional.empty();
        }
        Duration unit = switch (m.group(2)) {
            case "m" -> Duration.ofMinutes(1);
            case "h" -> Duration.ofHours(1);
            case "d" -> Duration.ofDays(1);
            default -> Duration.ofSeconds(1);
        };
        try {
            long amount = Long.parseLong(m.group(1));
            return amount > 0 ? Optional.of(unit.multipliedBy(amount)) : Optional.empty();
        } catch (NumberFormatException | ArithmeticException e) {
            return Optional.empty();
        }
    }

    /**
     * An {@code http://} or {@code https://} URL with a host; empty when unset or bad. The
     * message of a bad one does not repeat it, since such URLs often hold a token.
     */
    public Optional<URI> url(String name) {
        Optional<String> value = text(name);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        try {
            URI uri = new URI(value.get());
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                return Optional.of(uri);
            }
        } catch (URISyntaxException e) {
            // Reported below.
        }
        problems.add("Invalid value for " + name + " (should be an http:// or https:// URL)");
        return Optional.empty();
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
