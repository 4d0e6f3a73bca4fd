package org.pgbackup.error;

/**
 * A command was given something that is not an archive name: a path, a name with
 * {@code ..}, or a name of another form. Nothing was touched.
 */
public class InvalidArchiveNameException extends BackupException {
    private static final long serialVersionUID = 1L;

    public InvalidArchiveNameException(String message) {
        super(message);
    }

    @Override
    public ErrorCode code() {
        return ErrorCode.INVALID_ARCHIVE_NAME;
    }
}
