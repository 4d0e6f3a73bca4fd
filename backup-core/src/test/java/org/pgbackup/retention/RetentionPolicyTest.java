package org.pgbackup.retention;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.pgbackup.compression.ArchiveForm;
import org.pgbackup.naming.BackupKind;
import org.pgbackup.naming.BackupName;
import org.pgbackup.schedule.Schedule;

class RetentionPolicyTest {
    private static final RetentionPolicy POLICY = RetentionPolicy.DEFAULT;
    private static final Instant NOW = Instant.parse("2025-07-04T12:00:00Z");

    private static String name(BackupKind kind, Instant at) {
        return new BackupName(kind, at).fileName();
    }

    private static Set<String> deleted(List<RetentionDecision> decisions) {
        Set<String> names = new HashSet<>();
        decisions.stream().filter(RetentionDecision::delete).forEach(d -> names.add(d.fileName()));
        return names;
    }

    @Test
    void eachKindIsKeptForItsPeriodFromTheTimeInItsName() {
        String newest = name(BackupKind.DAILY, NOW.minus(Duration.ofHours(1)));
        String daily6 = name(BackupKind.DAILY, NOW.minus(Duration.ofDays(6)));
        String daily8 = name(BackupKind.DAILY, NOW.minus(Duration.ofDays(8)));
        String weekly29 = name(BackupKind.WEEKLY, NOW.minus(Duration.ofDays(29)));
        String weekly31 = name(BackupKind.WEEKLY, NOW.minus(Duration.ofDays(31)));
        String monthly364 = name(BackupKind.MONTHLY, NOW.minus(Duration.ofDays(364)));
        String monthly366 = name(BackupKind.MONTHLY, NOW.minus(Duration.ofDays(366)));

        List<RetentionDecision> decisions = POLICY.decide(List.of(daily8, newest, weekly29, daily6, weekly31,
                monthly364, monthly366, "file.dump", "notes.txt"), NOW);

        assertThat(deleted(decisions)).containsExactlyInAnyOrder(daily8, weekly31, monthly366);
        assertThat(decisions).extracting(RetentionDecision::fileName).startsWith(daily8, newest);
        assertThat(decisions).filteredOn(d -> d.fileName().equals(daily8)).singleElement()
                .extracting(RetentionDecision::reason).isEqualTo("daily archive older than 7 days");
        assertThat(decisions).filteredOn(d -> d.fileName().equals("notes.txt")).singleElement()
                .extracting(RetentionDecision::reason).isEqualTo("not an archive name");
    }

    @Test
    void archivesOfEveryFormAreKeptAndRemovedAlike() {
        String oldPlain = name(BackupKind.DAILY, NOW.minus(Duration.ofDays(8)));
        String youngPlain = name(BackupKind.DAILY, NOW.minus(Duration.ofDays(2)));
        String oldZstd = new BackupName(BackupKind.DAILY, NOW.minus(Duration.ofDays(9)), ArchiveForm.ZSTD).fileName();
        String newestZstd = new BackupName(BackupKind.DAILY, NOW.minus(Duration.ofHours(1)), ArchiveForm.ZSTD)
                .fileName();
        List<RetentionDecision> decisions = POLICY.decide(List.of(oldPlain, youngPlain, oldZstd, newestZstd), NOW);
        assertThat(deleted(decisions)).containsExactlyInAnyOrder(oldPlain, oldZstd);
        assertThat(oldZstd).endsWith(".dump.zst");
    }

    @Test
    void theNewestArchiveSurvivesHoweverOld() {
        String ancient = name(BackupKind.DAILY, NOW.minus(Duration.ofDays(1000)));
        String older = name(BackupKind.MONTHLY, NOW.minus(Duration.ofDays(2000)));
        List<RetentionDecision> decisions = POLICY.decide(List.of(older, ancient), NOW);
        assertThat(deleted(decisions)).containsExactly(older);
        assertThat(decisions).filteredOn(d -> d.fileName().equals(ancient)).singleElement()
                .extracting(RetentionDecision::reason).isEqualTo("the newest archive is always kept");
    }

    /**
     * Thousands of random histories and clocks: the four properties of the policy hold on
     * every one. Seeds are fixed, so a failure repeats.
     */
    @Test
    void propertiesHoldOnGeneratedHistories() {
        Random random = new Random(20251124);
        for (int round = 0; round < 5000; round++) {
            RetentionPolicy policy = round % 2 == 0 ? POLICY : new RetentionPolicy(
                    Duration.ofDays(1 + random.nextInt(20)), Duration.ofDays(1 + random.nextInt(60)),
                    Duration.ofDays(1 + random.nextInt(400)));
            Instant now = Instant.parse("2020-01-01T00:00:00Z").plusSeconds(random.nextInt(5 * 365 * 86400));
            List<String> names = new ArrayList<>();
            int count = random.nextInt(60);
            for (int i = 0; i < count; i++) {
                BackupKind kind = BackupKind.values()[random.nextInt(3)];
                // Mostly the past, some beyond the longest period, a few in the future (a skewed clock).
                Instant at = now.minusSeconds(random.nextInt(800 * 86400)).plusSeconds(random.nextInt(86400 * 3));
                names.add(name(kind, at));
                if (random.nextInt(10) == 0) {
                    names.add(random.nextBoolean() ? "file.dump" : "garbage-" + i + ".dump");
                }
            }
            List<RetentionDecision> decisions = policy.decide(names, now);

            assertThat(decisions).hasSameSizeAs(names);
            BackupName newest = names.stream().map(BackupName::parse).flatMap(java.util.Optional::stream).sorted()
                    .findFirst().orElse(null);
            for (RetentionDecision decision : decisions) {
                var parsed = BackupName.parse(decision.fileName());
                if (parsed.isEmpty()) {
                    assertThat(decision.delete()).as("unparseable %s survives", decision.fileName()).isFalse();
                    continue;
                }
                BackupName archive = parsed.get();
                boolean older = now.isAfter(archive.createdAt().plus(policy.period(archive.kind())));
                if (archive.equals(newest)) {
                    assertThat(decision.delete()).as("newest %s survives at %s", archive, now).isFalse();
                } else if (older) {
                    assertThat(decision.delete()).as("%s older than its period is deleted at %s", archive, now).isTrue();
                } else {
                    assertThat(decision.delete()).as("%s younger than its period survives at %s", archive, now)
                            .isFalse();
                }
            }
        }
    }

    /**
     * Ten years of the default schedule in Berlin, retention after each run: the number of
     * archives kept never exceeds the bound the policy implies, and never drops below what
     * the last week alone must hold.
     */
    @Test
    void tenYearsOfTheDefaultScheduleStayWithinTheBound() {
        ZoneId zone = ZoneId.of("Europe/Berlin");
        Schedule schedule = Schedule.defaultTimes(zone);
        int runsPerDay = 4;
        // Per kind, the days whose runs can be younger than the period, plus one partial day:
        // daily 7 + 1 days; weekly ceil(30 / 7) + 1 Saturdays; monthly 12 + 1 firsts + 1.
        long bound = runsPerDay * ((7 + 1) + (30 / 7 + 1 + 1) + (12 + 1 + 1)) + 1;
        System.out.println("Retention bound for the default schedule and periods: " + bound + " archives");

        Set<String> kept = new HashSet<>();
        int max = 0;
        int minAfterFirstYear = Integer.MAX_VALUE;
        Instant start = Instant.parse("2025-01-01T00:00:00Z");
        Instant end = start.plus(Duration.ofDays(3653));
        for (Instant run = schedule.next(start); run.isBefore(end); run = schedule.next(run)) {
            kept.add(BackupName.startedAt(run, zone).fileName());
            for (RetentionDecision decision : POLICY.decide(new ArrayList<>(kept), run)) {
                if (decision.delete()) {
                    kept.remove(decision.fileName());
                }
            }
            max = Math.max(max, kept.size());
            if (run.isAfter(start.plus(Duration.ofDays(366)))) {
                minAfterFirstYear = Math.min(minAfterFirstYear, kept.size());
            }
        }
        System.out.println("Archives kept over ten years: at most " + max + ", at least " + minAfterFirstYear
                + " after the first year");
        assertThat(max).isLessThanOrEqualTo((int) bound);
        // The last seven days' daily runs alone are at least 5 days' worth.
        assertThat(minAfterFirstYear).isGreaterThanOrEqualTo(5 * runsPerDay);
    }
}
