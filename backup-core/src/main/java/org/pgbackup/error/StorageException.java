package org.pgbackup.error;

/** A destination (local volume, bucket, plugin) failed to store, read, list or delete. */
public class StorageException extends BackupException {
    private static final long serialVersionUID = 1L;

    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }

    public StorageException(String message) {
        super(message);
    }

    @Override
    public ErrorCode code() {
        return ErrorCode.STORAGE;
    }
}
