package org.pgbackup.error;

/**
 * The installed PostgreSQL client tools are older than the server they must talk to, or
 * than the data directory they must change.
 */
public class IncompatibleClientException extends BackupException {
    private static final long serialVersionUID = 1L;

    public IncompatibleClientException(String message) {
        super(message);
    }

    @Override
    public ErrorCode code() {
        return ErrorCode.INCOMPATIBLE_CLIENT;
    }
}
