package org.pgbackup.error;

/**
 * {@code pg_restore} failed. The restore runs in one transaction, so the target database
 * is as it was before. The message quotes the error output.
 */
public class RestoreFailedException extends BackupException {
    private static final long serialVersionUID = 1L;

    public RestoreFailedException(String message) {
        super(message);
    }

    public RestoreFailedException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public ErrorCode code() {
        return ErrorCode.RESTORE_FAILED;
    }
}
