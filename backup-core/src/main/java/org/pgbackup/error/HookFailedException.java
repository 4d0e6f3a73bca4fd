package org.pgbackup.error;

/**
 * A {@code pre-backup} or {@code pre-restore} hook failed, timed out or could not run, so the
 * operation it guards did not run. The message ends with the hook's last lines of error output.
 */
public class HookFailedException extends BackupException {
    private static final long serialVersionUID = 1L;

    public HookFailedException(String message) {
        super(message);
    }

    @Override
    public ErrorCode code() {
        return ErrorCode.HOOK_FAILED;
    }
}
