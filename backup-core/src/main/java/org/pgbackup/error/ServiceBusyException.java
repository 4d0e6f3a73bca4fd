package org.pgbackup.error;

/** Another operation holds a service's lock, and did not let go within the wait. */
public class ServiceBusyException extends BackupException {
    private static final long serialVersionUID = 1L;

    public ServiceBusyException(String message) {
        super(message);
    }

    @Override
    public ErrorCode code() {
        return ErrorCode.SERVICE_BUSY;
    }
}
