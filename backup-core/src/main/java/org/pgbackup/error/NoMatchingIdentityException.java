package org.pgbackup.error;

/**
 * An encrypted archive could not be opened: {@code AGE_IDENTITY_FILE} is not set, cannot be
 * read, or holds no key that the archive was encrypted to. Nothing was restored.
 */
public class NoMatchingIdentityException extends BackupException {
    private static final long serialVersionUID = 1L;

    public NoMatchingIdentityException(String message) {
        super(message);
    }

    @Override
    public ErrorCode code() {
        return ErrorCode.NO_MATCHING_IDENTITY;
    }
}
