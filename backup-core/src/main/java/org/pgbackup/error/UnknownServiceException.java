package org.pgbackup.error;

import java.util.List;

/** A command named a service that {@code DATABASE_LIST} does not contain. */
public class UnknownServiceException extends BackupException {
    private static final long serialVersionUID = 1L;

    public UnknownServiceException(String service, List<String> known) {
        super("Unknown service '" + service + "': DATABASE_LIST contains " + String.join(", ", known)
                + ". Use one of these, or add the service to DATABASE_LIST.");
    }

    @Override
    public ErrorCode code() {
        return ErrorCode.UNKNOWN_SERVICE;
    }
}
