package org.pgbackup.config;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Where the operator's hooks are and how long each may run.
 *
 * @param directory {@code HOOKS_DIR}: {@code /hooks} in production, {@code backup-data/hooks}
 *     otherwise, for the command line; empty for no hooks, as embedders get unless they set one.
 *     A directory that does not exist means no hooks
 * @param timeout {@code HOOK_TIMEOUT}, 5 minutes by default: a hook still running then is
 *     stopped and counts as failed
 *
 * <p>Immutable, and so safe to share between threads.
 */
public record HookSettings(Optional<Path> directory, Duration timeout) {

    /** The default timeout. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);

    public HookSettings {
        requireNonNull(directory, "directory is null");
        requireNonNull(timeout, "timeout is null");
    }

    /** No hooks. */
    public static HookSettings none() {
        return new HookSettings(Optional.empty(), DEFAULT_TIMEOUT);
    }
}
