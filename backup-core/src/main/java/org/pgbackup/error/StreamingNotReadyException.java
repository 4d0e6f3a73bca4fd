package org.pgbackup.error;

/**
 * A server lacks what streaming its WAL needs; the message lists each missing thing with its
 * fix. Nothing was changed on the server.
 */
public class StreamingNotReadyException extends BackupException {
    private static final long serialVersionUID = 1L;

    public StreamingNotReadyException(String message) {
        super(message);
    }

    @Override
    public ErrorCode code() {
        return ErrorCode.STREAMING_NOT_READY;
    }
}
