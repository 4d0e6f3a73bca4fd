package org.pgbackup.controller;

import java.util.Optional;
import org.pgbackup.error.BackupException;

/**
 * What happened to one service in a command over several.
 *
 * @param service the service
 * @param result the operation's result, when it succeeded
 * @param failure why it failed, when it did
 * @param <T> the operation's result
 *
 * <p>Immutable, and so safe to share between threads.
 */
public record ServiceOutcome<T>(String service, Optional<T> result, Optional<BackupException> failure) {

    /** A service whose operation returned {@code result}. */
    public static <T> ServiceOutcome<T> success(String service, T result) {
        return new ServiceOutcome<>(service, Optional.of(result), Optional.empty());
    }

    /** A service whose operation failed. */
    public static <T> ServiceOutcome<T> failure(String service, BackupException failure) {
        return new ServiceOutcome<>(service, Optional.empty(), Optional.of(failure));
    }
}
