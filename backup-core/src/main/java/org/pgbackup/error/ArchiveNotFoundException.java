package org.pgbackup.error;

/** A well-formed archive name that no destination holds. */
public class ArchiveNotFoundException extends BackupException {
    private static final long serialVersionUID = 1L;

    public ArchiveNotFoundException(String message) {
        super(message);
    }

    @Override
    public ErrorCode code() {
        return ErrorCode.ARCHIVE_NOT_FOUND;
    }
}
