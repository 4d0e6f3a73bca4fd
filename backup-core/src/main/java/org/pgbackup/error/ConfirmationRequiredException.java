package org.pgbackup.error;

/** A destructive operation was not confirmed ({@code --yes}, or typed on a terminal); nothing was changed. */
public class ConfirmationRequiredException extends BackupException {
    private static final long serialVersionUID = 1L;

    public ConfirmationRequiredException(String message) {
        super(message);
    }

    @Override
    public ErrorCode code() {
        return ErrorCode.CONFIRMATION_REQUIRED;
    }
}
