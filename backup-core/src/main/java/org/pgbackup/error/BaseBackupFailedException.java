package org.pgbackup.error;

/** {@code pg_basebackup} failed, or wrote no base backup; no destination keeps anything of it. */
public class BaseBackupFailedException extends BackupException {
    private static final long serialVersionUID = 1L;

    public BaseBackupFailedException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public ErrorCode code() {
        return ErrorCode.BASE_BACKUP_FAILED;
    }
}
