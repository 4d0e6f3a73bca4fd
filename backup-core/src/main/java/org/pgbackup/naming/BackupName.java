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
import org.pgbackup.compression.ArchiveForm;
import org.pgbackup.error.InvalidArchiveNameException;

/**
 * The name of an archive: {@code file_<kind>_<UTC yyyy-MM-ddTHH:mm:ssZ>.dump}, or
 * {@code .dump.zst} for a zstd-wrapped one, either with {@code .age} after it when
 * encrypted, for example
 * {@code file_daily_2025-07-04T09:00:00Z.dump.zst}. This class is the one place that formats
 * and parses archive names; the time in a name is the moment the dump started, in UTC.
 *
 * @param form what the file holds, which its extension says
 *
 * <p>Immutable, and so safe to share between threads.
 */
public record BackupName(BackupKind kind, Instant createdAt, ArchiveForm form) implements Comparable<BackupName> {

    /** The file name extension of a PostgreSQL custom-format archive. */
    public static final String EXTENSION = ArchiveForm.CUSTOM.extension();

    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneId.of("UTC"));
    private static final Pattern FORM = Pattern.compile(
            "file_(daily|weekly|monthly)_(\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z)(\\.dump(?:\\.zst)?(?:\\.age)?)");

    public BackupName {
        requireNonNull(kind, "kind is null");
        requireNonNull(createdAt, "createdAt is null");
        requireNonNull(form, "form is null");
        createdAt = createdAt.truncatedTo(ChronoUnit.SECONDS);
    }

    /** The name of a plain custom-format archive ({@code .dump}). */
    public BackupName(BackupKind kind, Instant createdAt) {
        this(kind, createdAt, ArchiveForm.CUSTOM);
    }

    /**
     * The name of a backup started at {@code start}; its kind comes from the calendar day
     * of {@code start} in {@code zone}.
     */
    public static BackupName startedAt(Instant start, ZoneId zone, ArchiveForm form) {
        return new BackupName(BackupKind.forDay(ZonedDateTime.ofInstant(start, zone).toLocalDate()), start, form);
    }

    /** The name of a plain custom-format backup started at {@code start}. */
    public static BackupName startedAt(Instant start, ZoneId zone) {
        return startedAt(start, zone, ArchiveForm.CUSTOM);
    }

    /** The same backup in another form. */
    public BackupName as(ArchiveForm other) {
        return new BackupName(kind, createdAt, other);
    }

    /** Parses a file name, or returns empty if it is not an archive name. */
    public static Optional<BackupName> parse(String fileName) {
        Matcher m = FORM.matcher(fileName);
        if (!m.matches()) {
            return Optional.empty();
        }
        try {
            Instant at = Instant.from(TIMESTAMP.parse(m.group(2)));
            BackupName name = new BackupName(BackupKind.valueOf(m.group(1).toUpperCase(Locale.ROOT)), at,
                    ArchiveForm.ofFileName(m.group(3)).orElseThrow());
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
                + "' is not an archive name: expected file_<daily|weekly|monthly>_<yyyy-MM-ddTHH:mm:ssZ>.dump,"
                + " .dump.zst, .dump.age or .dump.zst.age, as 'list'"
                + " prints it (for example " + example() + ")"));
    }

    private static String example() {
        return "file_daily_2025-07-04T09:00:00Z.dump.zst";
    }

    /** The file name, for example {@code file_daily_2025-07-04T09:00:00Z.dump.zst}. */
    public String fileName() {
        return "file_" + kind.label() + "_" + TIMESTAMP.format(createdAt) + form.extension();
    }

    /** Newest first. */
    @Override
    public int compareTo(BackupName other) {
        int byTime = other.createdAt.compareTo(createdAt);
        if (byTime != 0) {
            return byTime;
        }
        int byKind = kind.compareTo(other.kind);
        return byKind != 0 ? byKind : form.compareTo(other.form);
    }

    @Override
    public String toString() {
        return fileName();
    }
}
