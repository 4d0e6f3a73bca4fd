package org.pgbackup.error;

/**
 * Root of every failure the controller reports to a user. Each subtype names one failure
 * a user can act on, and its message says what happened and what to do.
 *
 * <p>{@link #code()} is a stable {@link ErrorCode} to branch on; {@link #exitCode()} is the
 * process exit status the command line maps it to: {@code 1} when the operation failed,
 * {@code 2} for bad usage or configuration.
 *
 * <p>Thread-safe, as every subclass: immutable once made, and so safe to hand between threads.
 */
public abstract class BackupException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Exit status for an operation that was attempted and failed. */
    public static final int OPERATION_FAILED = 1;
    /** Exit status for bad usage or configuration; nothing was attempted. */
    public static final int USAGE = 2;

    protected BackupException(String message) {
        super(message);
    }

    protected BackupException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The stable code of this failure. */
    public abstract ErrorCode code();

    /** The process exit status for this failure, from its code's category. */
    public int exitCode() {
        return code().category().exitCode();
    }
}
