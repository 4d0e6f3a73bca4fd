package org.pgbackup.naming;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.Locale;

/** The kind of a backup, which decides how long retention keeps it. *
 * <p>Immutable, and so safe to share between threads.
 */
public enum BackupKind {
    DAILY,
    WEEKLY,
    MONTHLY;

    /**
     * The kind of a backup taken on a calendar day: the 1st of a month is monthly, a
     * Saturday is weekly, any other day is daily. A Saturday the 1st is monthly.
     */
    public static BackupKind forDay(LocalDate day) {
        if (day.getDayOfMonth() == 1) {
            return MONTHLY;
        }
        if (day.getDayOfWeek() == DayOfWeek.SATURDAY) {
            return WEEKLY;
        }
        return DAILY;
    }

    /** The word used in archive names: {@code daily}, {@code weekly} or {@code monthly}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
