package org.pgbackup.error;

/**
 * An archive does not match its manifest, has none, or cannot be read to its end. A restore
 * refuses it before touching the database.
 */
public class ArchiveCorruptException extends BackupException {
    private static final long serialVersionUID = 1L;

    public ArchiveCorruptException(String message) {
        super(message);
    }

    public ArchiveCorruptException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public ErrorCode code() {
        return ErrorCode.ARCHIVE_CORRUPT;
    }
}
