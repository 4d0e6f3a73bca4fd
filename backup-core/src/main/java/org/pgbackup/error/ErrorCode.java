package org.pgbackup.error;

/**
 * A stable code for each failure a user can act on, so that an embedder branches on
 * {@link BackupException#code()} instead of parsing a message. Codes are never renamed or
 * reused; new failures get new codes.
 *
 * <p>Immutable, and so safe to share between threads.
 */
public enum ErrorCode {
    /** The settings do not describe a usable configuration: {@link ConfigurationException}. */
    CONFIGURATION(Category.USAGE),
    /** A command named a service the configuration lacks: {@link UnknownServiceException}. */
    UNKNOWN_SERVICE(Category.USAGE),
    /** Something that is not an archive name was given: {@link InvalidArchiveNameException}. */
    INVALID_ARCHIVE_NAME(Category.USAGE),
    /** A destructive operation was not confirmed: {@link ConfirmationRequiredException}. */
    CONFIRMATION_REQUIRED(Category.USAGE),
    /** A PostgreSQL program is missing: {@link ToolNotFoundException}. */
    TOOL_NOT_FOUND(Category.USAGE),
    /** The client tools are older than the server: {@link IncompatibleClientException}. */
    INCOMPATIBLE_CLIENT(Category.FAILED),
    /** The server could not be reached or refused the login: {@link DatabaseConnectionException}. */
    DATABASE_CONNECTION(Category.FAILED),
    /** {@code pg_dump} failed: {@link DumpFailedException}. */
    DUMP_FAILED(Category.FAILED),
    /** {@code pg_restore} failed and the database is unchanged: {@link RestoreFailedException}. */
    RESTORE_FAILED(Category.FAILED),
    /** A named archive is in no destination: {@link ArchiveNotFoundException}. */
    ARCHIVE_NOT_FOUND(Category.FAILED),
    /** An archive does not match its manifest: {@link ArchiveCorruptException}. */
    ARCHIVE_CORRUPT(Category.FAILED),
    /** An archive's bytes are not what its name says: {@link MisnamedArchiveException}. */
    MISNAMED_ARCHIVE(Category.FAILED),
    /** Another operation holds the service's lock: {@link ServiceBusyException}. */
    SERVICE_BUSY(Category.FAILED),
    /** A destination failed to store, read, list or delete: {@link StorageException}. */
    STORAGE(Category.FAILED),
    /** A server that must be stopped is running: {@link ServerRunningException}. */
    SERVER_RUNNING(Category.FAILED),
    /** {@code pg_resetwal} failed: {@link ResetWalFailedException}. */
    RESET_WAL_FAILED(Category.FAILED),
    /** An encrypted archive needs an identity that is missing or wrong: {@link NoMatchingIdentityException}. */
    NO_MATCHING_IDENTITY(Category.FAILED),
    /** A restore drill's restore or checks failed: {@link DrillFailedException}. */
    DRILL_FAILED(Category.FAILED),
    /** A hook that guards an operation failed, so the operation did not run: {@link HookFailedException}. */
    HOOK_FAILED(Category.FAILED),
    /**
     * Some databases of a whole-server service failed while the others were stored or
     * restored: {@link DatabasesFailedException}.
     */
    DATABASES_FAILED(Category.FAILED),
    /** The operation was cancelled and left nothing half done: {@link CancelledException}. */
    CANCELLED(Category.FAILED),
    /** {@code pg_basebackup} failed and no base backup was kept: {@link BaseBackupFailedException}. */
    BASE_BACKUP_FAILED(Category.FAILED),
    /**
     * A server lacks what WAL streaming needs ({@code wal_level}, REPLICATION, a WAL sender,
     * a {@code pg_hba.conf} line): {@link StreamingNotReadyException}.
     */
    STREAMING_NOT_READY(Category.USAGE);

    /** What kind of failure a code is, and so the command line's exit status. */
    public enum Category {
        /** An operation was attempted and failed: exit status 1. */
        FAILED(1),
        /** Bad usage or configuration; nothing was attempted: exit status 2. */
        USAGE(2);

        private final int exitCode;

        Category(int exitCode) {
            this.exitCode = exitCode;
        }

        /** The process exit status of the command line for this category. */
        public int exitCode() {
            return exitCode;
        }
    }

    private final Category category;

    ErrorCode(Category category) {
        this.category = category;
    }

    /** Whether the failure is bad input or a failed operation. */
    public Category category() {
        return category;
    }
}
