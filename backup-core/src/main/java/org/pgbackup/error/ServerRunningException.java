package org.pgbackup.error;

/** An operation that needs a stopped server (such as {@code resetwal}) found it running. */
public class ServerRunningException extends BackupException {
    private static final long serialVersionUID = 1L;

    public ServerRunningException(String message) {
        super(message);
    }

    @Override
    public ErrorCode code() {
        return ErrorCode.SERVER_RUNNING;
    }
}
