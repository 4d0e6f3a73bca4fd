package org.pgbackup.internal.wal;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.pgbackup.internal.process.ProcessResult;
import org.pgbackup.internal.process.ProcessRunner;
import org.pgbackup.internal.process.ProcessSpec;

/**
 * The time of the newest transaction end (commit or abort) in WAL files, as {@code pg_waldump}
 * of their major reads them, the newest file first and going back only until one holds any.
 * A restore to a time needs a transaction end after the target in the WAL it reads: without
 * one, PostgreSQL 13 and later stop with "recovery ended before configured recovery target was
 * reached". When the newest end is at or before the target, nothing changed between it and the
 * target, and recovering to the end of the WAL gives the state at the target.
 */
public final class NewestCommit {
    private static final Pattern END = Pattern.compile(
            "desc: (?:COMMIT|ABORT) (\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}(?:\\.\\d{1,6})?) UTC");
    private static final DateTimeFormatter TIME = new DateTimeFormatterBuilder().appendPattern("yyyy-MM-dd HH:mm:ss")
            .optionalStart().appendFraction(ChronoField.MICRO_OF_SECOND, 1, 6, true).optionalEnd().toFormatter();
    private static final Duration TIMEOUT = Duration.ofMinutes(10);

    private NewestCommit() {
    }

    /**
     * Reads files of a directory, newest first.
     *
     * @param files the WAL segment files, oldest first, as they are named in the directory
     * @return the newest transaction end, or empty if no file holds one
     * @throws IOException if {@code pg_waldump} cannot be run
     */
    public static Optional<Instant> in(Path pgWaldump, Path directory, List<String> files, ProcessRunner runner)
            throws IOException {
        for (int i = files.size() - 1; i >= 0; i--) {
            // Exit status 1 at the end of a partial segment, after every whole record was printed: read what came.
            ProcessResult result = runner.run(ProcessSpec.of(List.of(pgWaldump.toString(), "--rmgr=Transaction",
                    directory.resolve(files.get(i)).toString()), Map.of("TZ", "UTC", "LC_MESSAGES", "C"), TIMEOUT));
            Instant newest = null;
            for (Matcher end = END.matcher(result.stdout()); end.find();) {
                Instant at = LocalDateTime.parse(end.group(1), TIME).toInstant(ZoneOffset.UTC);
                newest = newest == null || at.isAfter(newest) ? at : newest;
            }
            if (newest != null) {
                return Optional.of(newest);
            }
            if (!result.succeeded() && result.stdout().isBlank() && !result.stderr().contains("could not find a valid"
                    + " record")) {
                throw new IOException("pg_waldump could not read " + files.get(i) + ": " + result.failure());
            }
        }
        return Optional.empty();
    }
}
