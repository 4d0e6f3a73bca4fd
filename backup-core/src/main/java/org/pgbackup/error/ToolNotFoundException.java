package org.pgbackup.error;

/** A PostgreSQL program the operation needs is not installed where the controller looks. */
public class ToolNotFoundException extends BackupException {
    private static final long serialVersionUID = 1L;

    public ToolNotFoundException(String message) {
        super(message);
    }

    @Override
    public ErrorCode code() {
        return ErrorCode.TOOL_NOT_FOUND;
    }
}
