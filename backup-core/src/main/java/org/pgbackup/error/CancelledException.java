package org.pgbackup.error;

/**
 * An operation stopped because it was cancelled, through its own
 * {@code org.pgbackup.controller.Cancellation}, the client's {@code cancel()} or
 * {@code close()}. Whatever phase it was in, it left what it leaves on any failure: a dump
 * no archive in any destination, a restore the database as it was.
 */
public class CancelledException extends BackupException {
    private static final long serialVersionUID = 1L;

    public CancelledException(String message) {
        super(message);
    }

    public CancelledException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public ErrorCode code() {
        return ErrorCode.CANCELLED;
    }
}
