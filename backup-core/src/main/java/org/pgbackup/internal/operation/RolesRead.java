package org.pgbackup.internal.operation;

import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import org.pgbackup.error.BackupException;
import org.pgbackup.internal.postgres.PgConnection;
import org.pgbackup.internal.postgres.PgDumpAll;
import org.pgbackup.internal.postgres.PgVersion;
import org.tinylog.Logger;

/**
 * The instance's roles for the roles sidecar, read by {@code pg_dumpall} on a thread of its
 * own while the dump runs: it is two process starts that need not wait for each other. A
 * dump without its roles is still worth keeping, so a failure here is a warning.
 */
public final class RolesRead {
    private final FutureTask<Optional<String>> task;
    private final String service;

    private RolesRead(FutureTask<Optional<String>> task, String service) {
        this.task = task;
        this.service = service;
    }

    /** Starts reading the roles on a thread of its own; when {@code wanted} is false, none and no thread. */
    static RolesRead start(OperationContext ctx, PgConnection connection, PgVersion server, boolean wanted) {
        String service = connection.service().name();
        if (!wanted) {
            FutureTask<Optional<String>> none = new FutureTask<>(Optional::empty);
            none.run();
            return new RolesRead(none, service);
        }
        FutureTask<Optional<String>> task = new FutureTask<>(() -> read(ctx, connection, server));
        new Thread(task, "roles-" + service).start();
        return new RolesRead(task, service);
    }

    /** Reads the roles on the calling thread; empty, with a warning, if that failed. */
    static Optional<String> read(OperationContext ctx, PgConnection connection, PgVersion server) {
        try {
            return new PgDumpAll(connection, ctx.binaries().dumpClientFor("pg_dumpall", server),
                    ctx.config().operationTimeout()).roles(ctx.config().rolePasswords());
        } catch (BackupException e) {
            Logger.warn("{}: roles are not saved with this archive: {}", connection.service().name(), e.getMessage());
            return Optional.empty();
        }
    }

    /** The roles once the thread has ended, which it has when this returns, whatever it returns. */
    Optional<String> await() {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return task.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    Logger.warn("{}: roles are not saved with this archive: {}", service, e.getCause().getMessage());
                    return Optional.empty();
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
