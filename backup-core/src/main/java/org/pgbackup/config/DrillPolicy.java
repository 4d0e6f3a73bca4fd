package org.pgbackup.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Optional;
import org.pgbackup.schedule.Schedule;

/**
 * When restore drills run and what they prove. A drill restores a service's newest archive
 * into a scratch database, checks it and drops it; see {@code BackupController.drill}.
 *
 * @param schedule when {@code start} runs drills of every service ({@code DRILL_SCHEDULE});
 *     empty for never
 * @param maxAge how old a service's last good drill may be before {@code health} calls the
 *     service unhealthy ({@code DRILL_MAX_AGE}); empty for no such check
 * @param countRows whether each dump counts every table's rows in its snapshot, for drills
 *     to compare ({@code DRILL_COUNT_ROWS}, on by default); without, drills check tables only
 *
 * <p>Immutable, and so safe to share between threads.
 */
public record DrillPolicy(Optional<Schedule> schedule, Optional<Duration> maxAge, boolean countRows) {

    public DrillPolicy {
        requireNonNull(schedule, "schedule is null");
        requireNonNull(maxAge, "maxAge is null");
    }

    /** No scheduled drills, no age check, rows counted. */
    public static DrillPolicy defaults() {
        return new DrillPolicy(Optional.empty(), Optional.empty(), true);
    }
}
