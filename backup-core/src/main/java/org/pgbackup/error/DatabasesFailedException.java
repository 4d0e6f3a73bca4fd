package org.pgbackup.error;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Some databases of a whole-server service failed while the others were stored or
 * restored; the message names each failed database and why.
 */
public class DatabasesFailedException extends BackupException {
    private static final long serialVersionUID = 1L;
    private final LinkedHashMap<String, String> failures;

    /** @param failures why each failed database failed, by database name */
    public DatabasesFailedException(String message, Map<String, String> failures) {
        super(message);
        this.failures = new LinkedHashMap<>(failures);
    }

    /** Why each failed database failed, by database name, in the order they ran. */
    public Map<String, String> failures() {
        return Map.copyOf(failures);
    }

    @Override
    public ErrorCode code() {
        return ErrorCode.DATABASES_FAILED;
    }
}
