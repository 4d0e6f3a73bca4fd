package org.pgbackup.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.ZoneId;
import org.pgbackup.schedule.Schedule;

/**
 * How point-in-time recovery runs for every service that has it (see {@link PitrSettings}).
 *
 * @param baseBackups when {@code start} takes a base backup of each such service
 *     ({@code BASE_BACKUP_SCHEDULE}, daily at 01:00 by default)
 * @param window how far back a restore may go ({@code PITR_RETENTION_DAYS}, 7 days by
 *     default): older base backups and WAL are deleted once a newer base backup covers it
 * @param maxLag how long a service's server may go without a segment archived before
 *     {@code health} calls it unhealthy ({@code WAL_MAX_LAG}, 5 minutes by default)
 * @param partialEvery how often the segment being written is stored as a replaceable partial
 *     object ({@code WAL_PARTIAL_SECONDS}, 60 by default): the most a lost controller volume
 *     loses
 *
 * <p>Immutable, and so safe to share between threads.
 */
public record PitrPolicy(Schedule baseBackups, Duration window, Duration maxLag, Duration partialEvery) {
    /** The default {@code BASE_BACKUP_SCHEDULE}. */
    public static final String DEFAULT_SCHEDULE = "0 1 * * *";

    public PitrPolicy {
        requireNonNull(baseBackups, "baseBackups is null");
        requireNonNull(window, "window is null");
        requireNonNull(maxLag, "maxLag is null");
        requireNonNull(partialEvery, "partialEvery is null");
    }

    /** The defaults, with base backups at 01:00 in the zone. */
    public static PitrPolicy defaults(ZoneId zone) {
        return new PitrPolicy(Schedule.parse(DEFAULT_SCHEDULE, zone).orElseThrow(), Duration.ofDays(7),
                Duration.ofMinutes(5), Duration.ofSeconds(60));
    }
}
