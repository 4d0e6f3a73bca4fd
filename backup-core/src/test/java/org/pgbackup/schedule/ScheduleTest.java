package org.pgbackup.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.pgbackup.naming.BackupKind;
import org.pgbackup.naming.BackupName;

class ScheduleTest {
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    /** Every run of a schedule from one instant to another, each found as next() of the previous. */
    private static List<Instant> runs(Schedule schedule, Instant from, Instant to) {
        List<Instant> runs = new ArrayList<>();
        for (Instant t = schedule.next(from); t.isBefore(to); t = schedule.next(t)) {
            runs.add(t);
        }
        return runs;
    }

    @Test
    void theLatestRunIsTheRunItselfUntilTheNextComesThenTheNewestThatHas() {
        Schedule schedule = Schedule.defaultTimes(BERLIN);
        Instant nine = ZonedDateTime.of(2026, 12, 5, 9, 0, 0, 0, BERLIN).toInstant();
        Instant fifteen = ZonedDateTime.of(2026, 12, 5, 15, 0, 0, 0, BERLIN).toInstant();
        Instant nextThree = ZonedDateTime.of(2026, 12, 6, 3, 0, 0, 0, BERLIN).toInstant();

        assertThat(schedule.latest(nine, nine)).isEqualTo(nine);
        assertThat(schedule.latest(nine, fifteen.minusSeconds(1))).isEqualTo(nine);
        assertThat(schedule.latest(nine, fifteen)).isEqualTo(fifteen);
        assertThat(schedule.latest(nine, nextThree.plusSeconds(7200))).isEqualTo(nextThree);
    }

    @ParameterizedTest
    @ValueSource(strings = {"UTC", "Europe/Berlin"})
    void defaultTimesOverASimulatedYearAreFourADayAtTheLocalHoursWithTheRightKinds(String zoneName) {
        ZoneId zone = ZoneId.of(zoneName);
        Schedule schedule = Schedule.defaultTimes(zone);
        Instant start = LocalDate.of(2025, 1, 1).atStartOfDay(zone).toInstant();
        Instant end = LocalDate.of(2026, 1, 1).atStartOfDay(zone).toInstant();

        List<Instant> runs = runs(schedule, start.minusSeconds(1), end);

        assertThat(runs).hasSize(365 * 4);
        List<Instant> expected = new ArrayList<>();
        for (LocalDate day = LocalDate.of(2025, 1, 1); day.getYear() == 2025; day = day.plusDays(1)) {
            for (int hour : new int[] {3, 9, 15, 21}) {
                expected.add(ZonedDateTime.of(day, LocalTime.of(hour, 0), zone).toInstant());
            }
        }
        assertThat(runs).containsExactlyElementsOf(expected);
        for (Instant run : runs) {
            LocalDate day = ZonedDateTime.ofInstant(run, zone).toLocalDate();
            BackupKind kind = BackupName.startedAt(run, zone).kind();
            BackupKind expectedKind = day.getDayOfMonth() == 1 ? BackupKind.MONTHLY
                    : day.getDayOfWeek() == java.time.DayOfWeek.SATURDAY ? BackupKind.WEEKLY : BackupKind.DAILY;
            assertThat(kind).as(run + " in " + zone).isEqualTo(expectedKind);
        }
        // Saturday 2025-11-01 is the 1st: monthly.
        assertThat(BackupName.startedAt(ZonedDateTime.of(2025, 11, 1, 9, 0, 0, 0, zone).toInstant(), zone).kind())
                .isEqualTo(BackupKind.MONTHLY);
    }

    @Test
    void defaultTimesStayOnTheLocalClockAcrossBothBerlinTransitions() {
        Schedule schedule = Schedule.defaultTimes(BERLIN);
        // 2025-03-30 02:00 CET jumps to 03:00 CEST; 03:00 itself exists, once.
        List<Instant> spring = runs(schedule, Instant.parse("2025-03-29T22:00:00Z"), Instant.parse("2025-03-31T00:00:00Z"));
        assertThat(spring).containsExactly(Instant.parse("2025-03-30T01:00:00Z"), Instant.parse("2025-03-30T07:00:00Z"),
                Instant.parse("2025-03-30T13:00:00Z"), Instant.parse("2025-03-30T19:00:00Z"));
        // 2025-10-26 03:00 CEST falls back to 02:00 CET; 03:00 CET comes once, after the repeated hour.
        List<Instant> autumn = runs(schedule, Instant.parse("2025-10-25T22:00:00Z"), Instant.parse("2025-10-27T00:00:00Z"));
        assertThat(autumn).containsExactly(Instant.parse("2025-10-26T02:00:00Z"), Instant.parse("2025-10-26T08:00:00Z"),
                Instant.parse("2025-10-26T14:00:00Z"), Instant.parse("2025-10-26T20:00:00Z"));
    }

    @Test
    void aRunInTheSkippedHourRunsOnceWhenTheClocksJump() {
        Schedule schedule = Schedule.parse("30 2 * * *", BERLIN).orElseThrow();
        List<Instant> runs = runs(schedule, Instant.parse("2025-03-29T00:00:00Z"), Instant.parse("2025-04-01T00:00:00Z"));
        assertThat(runs).containsExactly(Instant.parse("2025-03-29T01:30:00Z"),
                // 02:30 does not exist on the 30th: it runs at 03:00 CEST, when the clocks jump.
                Instant.parse("2025-03-30T01:00:00Z"),
                Instant.parse("2025-03-31T00:30:00Z"));
    }

    @Test
    void aRunInTheRepeatedHourRunsOnceAtItsFirstOccurrence() {
        Schedule schedule = Schedule.parse("30 2 * * *", BERLIN).orElseThrow();
        List<Instant> runs = runs(schedule, Instant.parse("2025-10-25T00:00:00Z"), Instant.parse("2025-10-28T00:00:00Z"));
        assertThat(runs).containsExactly(Instant.parse("2025-10-25T00:30:00Z"),
                Instant.parse("2025-10-26T00:30:00Z"), // 02:30 CEST; 02:30 CET an hour later does not run
                Instant.parse("2025-10-27T01:30:00Z"));
    }

    @Test
    void frequentScheduleRunsOnceForEveryWallClockTimeAcrossTheRepeatedHour() {
        Schedule schedule = Schedule.parse("*/30 * * * *", BERLIN).orElseThrow();
        List<Instant> runs = runs(schedule, Instant.parse("2025-10-25T23:59:00Z"), Instant.parse("2025-10-26T03:01:00Z"));
        // 02:00 and 02:30 CEST, then 03:00, 03:30 and 04:00 CET: the repeated 02:00 and 02:30 (CET) do not run again.
        assertThat(runs).containsExactly(Instant.parse("2025-10-26T00:00:00Z"), Instant.parse("2025-10-26T00:30:00Z"),
                Instant.parse("2025-10-26T02:00:00Z"), Instant.parse("2025-10-26T02:30:00Z"),
                Instant.parse("2025-10-26T03:00:00Z"));
    }

    @Test
    void sixFieldsHaveSecondsFirst() {
        Schedule schedule = Schedule.parse("*/5 * * * * *", ZoneId.of("UTC")).orElseThrow();
        assertThat(schedule.next(Instant.parse("2025-01-01T00:00:01Z"))).isEqualTo(Instant.parse("2025-01-01T00:00:05Z"));
        assertThat(schedule.next(Instant.parse("2025-01-01T00:00:05Z"))).isEqualTo(Instant.parse("2025-01-01T00:00:10Z"));
    }

    @Test
    void fiveFieldsAreMinuteHourDayMonthWeekday() {
        Schedule schedule = Schedule.parse("15 4 * * 6", ZoneId.of("UTC")).orElseThrow();
        // 2025-07-05 is a Saturday.
        assertThat(schedule.next(Instant.parse("2025-07-01T00:00:00Z"))).isEqualTo(Instant.parse("2025-07-05T04:15:00Z"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "* * * *", "61 * * * *", "* * * * * * *", "every day", "0 25 * * *"})
    void invalidExpressionsAreRejected(String expression) {
        assertThat(Schedule.parse(expression, ZoneId.of("UTC"))).isEmpty();
    }
}
