package org.pgbackup.error;

/** The PostgreSQL server of a service could not be reached, or refused the credentials. */
public class DatabaseConnectionException extends BackupException {
    private static final long serialVersionUID = 1L;

    public DatabaseConnectionException(String message) {
        super(message);
    }

    @Override
    public ErrorCode code() {
        return ErrorCode.DATABASE_CONNECTION;
    }
}
