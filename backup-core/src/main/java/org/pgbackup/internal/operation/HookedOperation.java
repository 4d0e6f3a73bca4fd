package org.pgbackup.internal.operation;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.pgbackup.config.ServiceSettings;
import org.pgbackup.controller.DumpResult;
import org.pgbackup.controller.RestoreResult;
import org.pgbackup.error.BackupException;
import org.pgbackup.error.HookFailedException;
import org.pgbackup.hooks.Hook;
import org.pgbackup.hooks.Hooks;
import org.tinylog.Logger;

/**
 * An operation with the operator's hooks around it: the {@code pre-} hook first, whose
 * failure skips the operation and fails it; the {@code post-} hook after a success, whose
 * failure is logged and reported but undoes nothing; {@code on-failure} after a failure.
 */
public final class HookedOperation {
    private final Hooks hooks;

    public HookedOperation(Hooks hooks) {
        this.hooks = hooks;
    }

    /**
     * Runs an operation of a service between its hooks.
     *
     * @param outcome what the {@code post-} hook is told of the result, such as its archive
     */
    public <T> T run(ServiceSettings service, String operation, Hook pre, Hook post, Supplier<T> work,
            Function<T, Map<String, String>> outcome) {
        Map<String, String> variables = new HashMap<>();
        variables.put("PGBACKUP_OPERATION", operation);
        variables.put("PGBACKUP_DATABASE", service.database());
        variables.put("PGBACKUP_HOST", service.address());
        Optional<String> refused = hooks.run(pre, service.name(), variables);
        if (refused.isPresent()) {
            HookFailedException failure = new HookFailedException("The " + pre.fileName() + " hook of service '"
                    + service.name() + "' failed, so the " + operation + " did not run: " + refused.get());
            failed(service, variables, failure);
            throw failure;
        }
        T result;
        try {
            result = work.get();
        } catch (BackupException e) {
            failed(service, variables, e);
            throw e;
        }
        variables.putAll(outcome.apply(result));
        hooks.run(post, service.name(), variables).ifPresent(why -> Logger.error("{}: the {} hook failed after a"
                + " {} that stands: {}", service.name(), post.fileName(), operation, why));
        return result;
    }

    /** What {@code post-backup} is told of a dump. */
    public static Map<String, String> dumped(DumpResult result) {
        return Map.of("PGBACKUP_ARCHIVE", result.name().fileName(), "PGBACKUP_STATUS", result.complete() ? "ok"
                : "incomplete", "PGBACKUP_DESTINATIONS", String.join(",", result.storedIn()));
    }

    /** What {@code post-restore} is told of a restore. */
    public static Map<String, String> restored(RestoreResult result) {
        return Map.of("PGBACKUP_ARCHIVE", result.archive(), "PGBACKUP_STATUS", "ok", "PGBACKUP_DESTINATIONS",
                result.source());
    }

    private void failed(ServiceSettings service, Map<String, String> variables, BackupException failure) {
        Map<String, String> told = new HashMap<>(variables);
        told.put("PGBACKUP_STATUS", "failed");
        told.put("PGBACKUP_ERROR", failure.getMessage());
        hooks.run(Hook.ON_FAILURE, service.name(), told);
    }
}
