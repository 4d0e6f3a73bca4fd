package org.pgbackup.error;

/**
 * An archive's bytes are not what its name says: a zstd-compressed archive named
 * {@code .dump}, a plain one named {@code .dump.zst}, or a file that is no archive at all.
 * It is refused before anything reads it as the wrong thing; renaming it fixes the first two.
 */
public class MisnamedArchiveException extends BackupException {
    private static final long serialVersionUID = 1L;

    public MisnamedArchiveException(String message) {
        super(message);
    }

    @Override
    public ErrorCode code() {
        return ErrorCode.MISNAMED_ARCHIVE;
    }
}
