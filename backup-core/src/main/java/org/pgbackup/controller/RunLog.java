package org.pgbackup.controller;

import java.util.List;

/**
 * A service's run history as read back from its volume ({@link BackupController#runLog}): the
 * runs that could be read, newest first, and how many records could not be, such as the one a
 * controller killed while writing cut short. The next run writes a whole history again from
 * the readable runs.
 *
 * <p>Immutable and thread-safe.
 *
 * @param runs the runs read, newest first
 * @param unreadable how many records could not be read; 0 for a whole history
 */
public record RunLog(List<RunRecord> runs, int unreadable) {
    /** Copies the runs. */
    public RunLog {
        runs = List.copyOf(runs);
        if (unreadable < 0) {
            throw new IllegalArgumentException("unreadable is negative: " + unreadable);
        }
    }
}
