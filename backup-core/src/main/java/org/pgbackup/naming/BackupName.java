package org.pgbackup.naming;

import static java.util.Objects.requireNonNull;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.pgbackup.error.InvalidArchiveNameException;

/**
 * The name of an archive: {@code file_<kind>_<UTC yyyy-MM-ddTHH:mm:ssZ>.dump}, for example
 * {@code file_daily_2025-07-04T09:00:00Z.dump}. This class is the one place that formats
 * and parses archive names; the time in a name is the moment the dump started, in UTC.
 */
public record BackupName(BackupKind kind, Instant createdAt) implements Comparable<BackupName> {

    /** The file name extension of a PostgreSQL custom-format archive. */
    public static final String EXTENSION = ".dump";

    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneId.of("UTC"));
    private static final Pattern FORM = Pattern.compile(
            "file_(daily|weekly|monthly)_(\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z)\\.dump");

    public BackupName {
        requireNonNull(kind, "kind is null");
        requireNonNull(createdAt, "createdAt is null");
        createdAt = createdAt.truncatedTo(ChronoUnit.SECONDS);
    }

    /**
     * The name of a backup started at {@code start}; its kind comes from the calendar day
     * of {@code start} in {@code zone}.
     */
    public static BackupName startedAt(Instant start, ZoneId zone) {
        return new BackupName(BackupKind.forDay(ZonedDateTime.ofInstant(start, zone).toLocalDate()), start);
    }

    /** Parses a file name, or returns empty if it is not an archive name. */
    public static Optional<BackupName> parse(String fileName) {
        Matcher m = FORM.matcher(fileName);
        if (!m.matches()) {
            return Optional.empty();
        }
        try {
            Instant at = Instant.from(TIMESTAMP.parse(m.group(2)));
            BackupName name = new BackupName(BackupKind.valueOf(m.group(1).toUpperCase(Locale.ROOT)), at);
            // Rejects dates the formatter resolved leniently, such as 2025-02-30.
            return name.fileName().equals(fileName) ? Optional.of(name) : Optional.empty();
        } catch (DateTimeException e) {
            return Optional.empty();
        }
    }

    /**
     * Parses a name given by a user, refusing paths and other forms with a message that
     * shows the expected form.
     *
     * @throws InvalidArchiveNameException if {@code text} is not an archive name
     */
    public static BackupName parseArgument(String text) {
        if (text.contains("/") || text.contains("\\") || text.contains("..")) {
            throw new InvalidArchiveNameException("'" + text + "' is a path, not an archive name: give the name"
                    + " alone, as 'list' prints it (for example " + example() + ")");
        }
        return parse(text).orElseThrow(() -> new InvalidArchiveNameException("'" + text
                + "' is not an archive name: expected file_<daily|weekly|monthly>_<yyyy-MM-ddTHH:mm:ssZ>.dump, as 'list'"
                + " prints it (for example " + example() + ")"));
    }

    private static String example() {
        return "file_daily_2025-07-04T09:00:00Z.dump";
    }

    /** The file name, for example {@code file_daily_2025-07-04T09:00:00Z.dump}. */
    public String fileName() {
        return "file_" + kind.label() + "_" + TIMESTAMP.format(createdAt) + EXTENSION;
    }

    /** Newest first. */
    @Override
    public int compareTo(BackupName other) {
        int byTime = other.createdAt.compareTo(createdAt);
        return byTime != 0 ? byTime : kind.compareTo(other.kind);
    }

    @Override
    public String toString() {
        return fileName();
    }
}
