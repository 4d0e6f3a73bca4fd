package org.pgbackup.controller;

/**
 * Follows one operation as it runs: the phases it goes through and the bytes it streams.
 * The command line draws its progress line from these events; an embedder can feed a
 * progress bar or a metric. Called on the operation's own threads, so implementations
 * must be quick and thread-safe; one that throws is logged and ignored, since telling about
 * an operation never fails it.
 */
public interface ProgressListener {
    /** A listener that hears nothing. */
    ProgressListener NONE = new ProgressListener() {
    };

    /**
     * The steps of a dump, a restore and a verify, in the order they come; then those of
     * point-in-time recovery: a base backup goes through {@link #WAITING_FOR_LOCK},
     * {@link #CONNECTING}, {@link #BASE_BACKUP} and {@link #APPLYING_RETENTION}, a restore to a
     * point in time through {@link #WAITING_FOR_LOCK}, {@link #RESTORING} and, when it starts
     * the server, {@link #RECOVERING}. Each operation ends with {@link #FINISHED}.
     */
    enum Phase {
        /** Waiting for another operation on the service to let go of its lock. */
        WAITING_FOR_LOCK,
        /** Asking the server its version, which also checks the credentials. */
        CONNECTING,
        /** {@code pg_dump} streams into every destination; bytes follow. */
        DUMPING,
        /** Reading the new archive back in full ({@code VERIFY_AFTER_DUMP}). */
        VERIFYING,
        /** Removing archives retention no longer keeps. */
        APPLYING_RETENTION,
        /** Checking the archive against its manifest before the database is touched; bytes follow. */
        CHECKING,
        /**
         * {@code pg_restore} reads the archive into the database; for a restore to a point in
         * time, the base backup and the WAL are fetched, checked and written into the
         * directory. Bytes follow.
         */
        RESTORING,
        /** {@code pg_basebackup} streams a base backup into every destination; bytes follow. */
        BASE_BACKUP,
        /** The server started on a directory restored to a point in time replays its WAL and promotes. */
        RECOVERING,
        /** The operation ended, successfully or not. */
        FINISHED
    }

    /** The operation on a service entered a phase. */
    default void phase(String service, Phase phase) {
    }

    /**
     * Bytes of archive streamed so far in the current phase: written to the destinations
     * while dumping, read while checking, verifying and restoring (for a restore to a point in
     * time, the stored bytes of every file it fetched), and the tar's bytes as the server sent
     * them while taking a base backup. Never goes down within a phase.
     */
    default void transferred(String service, long bytes) {
    }
}
