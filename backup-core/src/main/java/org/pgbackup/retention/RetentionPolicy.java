package org.pgbackup.retention;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pgbackup.naming.BackupKind;
import org.pgbackup.naming.BackupName;

/**
 * Which archives to keep: each kind for its own period, counted from the time in the
 * archive's name, never from file times, which copies and restores of a volume change.
 *
 * <p>Three rules hold whatever the input: the newest archive is kept, whatever its age, so
 * that a service whose dumps have been failing for a while still has its last good one;
 * a name that is not an archive name is never deleted; and an archive is deleted only
 * once it is older than its kind's period.
 *
 * @param daily how long daily archives are kept
 * @param weekly how long weekly archives are kept
 * @param monthly how long monthly archives are kept
 *
 * <p>Immutable, and so safe to share between threads.
 */
public record RetentionPolicy(Duration daily, Duration weekly, Duration monthly) {

    /** The specification's periods: daily 7 days, weekly 30, monthly 365. */
    public static final RetentionPolicy DEFAULT = new RetentionPolicy(Duration.ofDays(7), Duration.ofDays(30),
            Duration.ofDays(365));

    public RetentionPolicy {
        for (Duration period : List.of(requireNonNull(daily, "daily is null"), requireNonNull(weekly, "weekly is null"),
                requireNonNull(monthly, "monthly is null"))) {
            if (period.isNegative() || period.isZero()) {
                throw new IllegalArgumentException("A retention period must be positive: " + period);
            }
        }
    }

    /** How long archives of a kind are kept. */
    public Duration period(BackupKind kind) {
        return Map.of(BackupKind.DAILY, daily, BackupKind.WEEKLY, weekly, BackupKind.MONTHLY, monthly).get(kind);
    }

    /** When an archive becomes old enough to delete, unless it is the newest. */
    public Instant expiry(BackupName name) {
        return name.createdAt().plus(period(name.kind()));
    }

    /**
     * Decides for every file name of one service in one destination.
     *
     * @param fileNames the names found, archives or not, in any order
     * @param now the time to measure ages at
     * @return one decision per name, in the order given
     */
    public List<RetentionDecision> decide(Collection<String> fileNames, Instant now) {
        Optional<BackupName> newest = fileNames.stream().map(BackupName::parse).flatMap(Optional::stream).sorted()
                .findFirst();
        List<RetentionDecision> decisions = new ArrayList<>();
        for (String fileName : fileNames) {
            Optional<BackupName> parsed = BackupName.parse(fileName);
            if (parsed.isEmpty()) {
                decisions.add(new RetentionDecision(fileName, false, "not an archive name"));
                continue;
            }
            BackupName name = parsed.get();
            Instant expiry = expiry(name);
            if (name.equals(newest.orElseThrow())) {
                decisions.add(new RetentionDecision(fileName, false, "the newest archive is always kept"));
            } else if (now.isAfter(expiry)) {
                decisions.add(new RetentionDecision(fileName, true, name.kind().label() + " archive older than "
                        + period(name.kind()).toDays() + " days"));
            } else {
                decisions.add(new RetentionDecision(fileName, false, name.kind().label() + " archive kept until "
                        + expiry));
            }
        }
        return decisions;
    }
}
