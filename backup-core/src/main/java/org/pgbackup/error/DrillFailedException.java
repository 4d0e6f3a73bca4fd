package org.pgbackup.error;

/**
 * A restore drill found a problem: the newest archive did not restore, a table or rows
 * are missing after the restore, the check query did not return true, or the drill server
 * refused the scratch database. The scratch database is dropped all the same; backups are
 * not affected. The message names every problem found.
 */
public class DrillFailedException extends BackupException {
    private static final long serialVersionUID = 1L;

    public DrillFailedException(String message) {
        super(message);
    }

    public DrillFailedException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public ErrorCode code() {
        return ErrorCode.DRILL_FAILED;
    }
}
