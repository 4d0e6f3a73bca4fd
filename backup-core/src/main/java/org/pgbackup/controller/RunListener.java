package org.pgbackup.controller;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.pgbackup.error.BackupException;
import org.pgbackup.naming.BackupKind;
import org.pgbackup.pitr.BaseBackupResult;
import org.pgbackup.pitr.WalPosition;

/**
 * Hears what scheduled runs do, for metrics and notifications: the run's events here, and
 * each dump's phases and bytes as a {@link ProgressListener}, the same events the command
 * line's progress line draws. A listener that throws is logged and ignored: telling about
 * a backup never fails it.
 *
 * <p>Called on the operations' own threads, several at once under {@code BACKUP_PARALLELISM}:
 * implementations must be thread-safe and quick.
 */
public interface RunListener extends ProgressListener {
    /**
     * What a service holds in storage when the loop starts, before any run: metrics of a
     * restarted controller describe the archives already stored instead of starting empty.
     */
    default void serviceObserved(String service, ArchiveListing listing) {
    }

    /** A scheduled run begins; every service follows. */
    default void runStarted() {
    }

    /** A service's dump of a run begins. */
    default void serviceStarted(String service) {
    }

    /** A service's dump succeeded, completely or not; {@code archives} counts archives per destination. */
    default void serviceSucceeded(DumpResult result, Map<String, Integer> archives) {
    }

    /**
     * With several destinations, at start and after each of a service's runs: how many
     * archives each destination lacks of those another holds
     * ({@link BackupController#missingArchives}).
     */
    default void archivesMissing(String service, Map<String, Integer> missing) {
    }

    /**
     * A service's slot was left to another controller, which holds the database's backup lock
     * ({@link org.pgbackup.error.HeldByOtherControllerException}): not a failure.
     */
    default void serviceSkipped(String service, BackupKind kind, BackupException reason) {
    }

    /** A service's dump failed. */
    default void serviceFailed(String service, BackupKind kind, Duration duration, BackupException failure) {
    }

    /** A service's new archive was read back in full and passed ({@code VERIFY_AFTER_DUMP}). */
    default void serviceVerified(String service) {
    }

    /** A service's restore drill passed. */
    default void drillSucceeded(DrillResult result) {
    }

    /** A service's restore drill failed; backups go on. */
    default void drillFailed(String service, BackupException failure) {
    }

    /** The run ended; {@code allSucceeded} if every service's dump was complete. */
    default void runFinished(boolean allSucceeded) {
    }

    /** A base backup of a service with point-in-time recovery was stored. */
    default void baseBackupSucceeded(BaseBackupResult result) {
    }

    /** A base backup failed; it is tried again. */
    default void baseBackupFailed(String service, BackupException failure) {
    }

    /**
     * WAL streaming of a service could not start (its server lacks something, or cannot be
     * reached), or its slot was found dropped, which leaves a gap in the archive until the next
     * base backup; it is tried again.
     */
    default void walFailed(String service, String problem) {
    }

    /**
     * How a service's WAL archiving stands, whenever it moves: how many files were stored since
     * the stream started, when the last was, and how many gaps (slots found dropped) it met.
     */
    default void walArchived(String service, int archived, Instant lastArchived, int gaps) {
    }

    /** Where a streamed service's WAL stands against its server, asked every half minute. */
    default void walPosition(String service, WalPosition position) {
    }
}
