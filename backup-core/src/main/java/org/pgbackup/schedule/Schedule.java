package org.pgbackup.schedule;

import static java.util.Objects.requireNonNull;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneOffsetTransition;
import java.util.List;
import java.util.Optional;

/**
 * When scheduled dumps run: a cron expression read as wall-clock time in a zone.
 *
 * <p>Daylight saving time is handled here, not left to chance: a run whose wall-clock time
 * falls in a skipped hour runs once, when the clocks jump (the first valid moment after the
 * gap); a run whose time occurs twice, in a repeated hour, runs once, at its first
 * occurrence.
 *
 * <p>Immutable, and so safe to share between threads.
 */
public final class Schedule {
    /** The specification's times: 03:00, 09:00, 15:00 and 21:00 in {@code TZ}. */
    public static final String DEFAULT_EXPRESSION = "0 3,9,15,21 * * *";

    private final String expression;
    private final ExecutionTime wallClock;
    private final ZoneId zone;

    private Schedule(String expression, Cron cron, ZoneId zone) {
        this.expression = expression;
        this.wallClock = ExecutionTime.forCron(cron);
        this.zone = zone;
    }

    /** The specification's four daily runs in a zone. */
    public static Schedule defaultTimes(ZoneId zone) {
        return parse(DEFAULT_EXPRESSION, zone).orElseThrow();
    }

    /**
     * Reads a cron expression: five fields (minute hour day-of-month month day-of-week), or
     * six with seconds first.
     *
     * @return empty if the expression is not valid
     */
    public static Optional<Schedule> parse(String expression, ZoneId zone) {
        requireNonNull(zone, "zone is null");
        String trimmed = expression.trim();
        int fields = trimmed.isEmpty() ? 0 : trimmed.split("\\s+").length;
        CronType type = switch (fields) {
            case 5 -> CronType.UNIX;
            case 6 -> CronType.SPRING;
            default -> null;
        };
        if (type == null) {
            return Optional.empty();
        }
        try {
            Cron cron = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(type)).parse(trimmed).validate();
            return Optional.of(new Schedule(trimmed, cron, zone));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The cron expression. */
    public String expression() {
        return expression;
    }

    /** The zone the expression's times are read in. */
    public ZoneId zone() {
        return zone;
    }

    /**
     * The first run strictly after an instant.
     *
     * @throws IllegalStateException if the expression never fires again (such as February 30th)
     */
    public Instant next(Instant after) {
        // Matching runs on the local wall clock, read as if it were UTC so that the cron
        // library never sees a gap or an overlap; mapping back to instants applies our rules.
        LocalDateTime cursor = LocalDateTime.ofInstant(after, zone);
        for (int guard = 0; guard < 100_000; guard++) {
            LocalDateTime candidate = wallClock.nextExecution(cursor.atZone(ZoneOffset.UTC))
                    .orElseThrow(() -> new IllegalStateException("The schedule '" + expression + "' never runs again"))
                    .toLocalDateTime();
            Instant at = instantOf(candidate);
            if (at.isAfter(after)) {
                return at;
            }
            cursor = candidate;
        }
        throw new IllegalStateException("No run of '" + expression + "' found after " + after);
    }

    /**
     * The latest run at or before {@code now}, counting from a run: {@code from} itself while
     * the run after it has not come.
     *
     * @param from a run of this schedule
     * @throws IllegalStateException if the expression never fires again
     */
    public Instant latest(Instant from, Instant now) {
        Instant latest = from;
        for (Instant next = next(latest); !next.isAfter(now); next = next(next)) {
            latest = next;
        }
        return latest;
    }

    /**
     * A wall-clock time as an instant: in a gap, the moment the clocks jump; in an overlap,
     * the earlier occurrence.
     */
    private Instant instantOf(LocalDateTime local) {
        List<ZoneOffset> offsets = zone.getRules().getValidOffsets(local);
        if (offsets.isEmpty()) {
            ZoneOffsetTransition gap = zone.getRules().getTransition(local);
            return gap.getInstant();
        }
        return local.atZone(zone).withEarlierOffsetAtOverlap().toInstant();
    }

    /**
     * The longest wait between two runs in the week after an instant: how old the newest
     * archive may normally get.
     */
    public Duration longestGap(Instant from) {
        Duration longest = Duration.ZERO;
        Instant end = from.plus(Duration.ofDays(8));
        Instant previous = next(from);
        for (Instant run = next(previous); run.isBefore(end); run = next(run)) {
            Duration gap = Duration.between(previous, run);
            if (gap.compareTo(longest) > 0) {
                longest = gap;
            }
            previous = run;
        }
        return longest.isZero() ? Duration.between(from, previous) : longest;
    }

    @Override
    public String toString() {
        return "'" + expression + "' in " + zone;
    }
}
