package org.pgbackup.error;

/** {@code pg_dump} failed; no archive was kept. The message quotes its error output. */
public class DumpFailedException extends BackupException {
    private static final long serialVersionUID = 1L;

    public DumpFailedException(String message) {
        super(message);
    }

    public DumpFailedException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public ErrorCode code() {
        return ErrorCode.DUMP_FAILED;
    }
}
