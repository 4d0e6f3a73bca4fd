package org.pgbackup.config;

import java.time.Duration;
import java.time.ZoneId;
import java.util.Optional;
import org.pgbackup.schedule.Schedule;
import org.pgbackup.spi.Settings;

/**
 * {@code BASE_BACKUP_SCHEDULE}, {@code PITR_RETENTION_DAYS}, {@code WAL_MAX_LAG} and
 * {@code WAL_PARTIAL_SECONDS}, from the environment; a bad value is reported to the settings
 * and its default taken, so that every problem is listed at once.
 */
final class PitrPolicyReader {
    private static final long MAX_DAYS = 36_500;
    private static final long MAX_PARTIAL_SECONDS = 86_400;

    private PitrPolicyReader() {
    }

    static PitrPolicy read(Settings variables, ZoneId zone) {
        PitrPolicy defaults = PitrPolicy.defaults(zone);
        Schedule baseBackups = variables.text("BASE_BACKUP_SCHEDULE").flatMap(text -> {
            Optional<Schedule> parsed = Schedule.parse(text, zone);
            if (parsed.isEmpty()) {
                variables.invalid("BASE_BACKUP_SCHEDULE", "a cron expression such as '0 1 * * *'", text);
            }
            return parsed;
        }).orElse(defaults.baseBackups());
        long days = variables.whole("PITR_RETENTION_DAYS", defaults.window().toDays(), 1, MAX_DAYS,
                "a whole number of days, 1 or more");
        Duration maxLag = variables.duration("WAL_MAX_LAG", defaults.maxLag());
        long partial = variables.whole("WAL_PARTIAL_SECONDS", defaults.partialEvery().toSeconds(), 1,
                MAX_PARTIAL_SECONDS, "a whole number of seconds from 1 to " + MAX_PARTIAL_SECONDS);
        return new PitrPolicy(baseBackups, Duration.ofDays(days), maxLag, Duration.ofSeconds(partial));
    }
}
