package org.pgbackup.error;

/** {@code pg_resetwal} ran and failed. The message quotes its error output. */
public class ResetWalFailedException extends BackupException {
    private static final long serialVersionUID = 1L;

    public ResetWalFailedException(String message) {
        super(message);
    }

    @Override
    public ErrorCode code() {
        return ErrorCode.RESET_WAL_FAILED;
    }
}
