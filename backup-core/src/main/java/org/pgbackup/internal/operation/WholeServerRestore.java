package org.pgbackup.internal.operation;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pgbackup.config.ServiceSettings;
import org.pgbackup.config.TableSelection;
import org.pgbackup.controller.BackupController;
import org.pgbackup.controller.Cancellation;
import org.pgbackup.controller.DumpOptions;
import org.pgbackup.controller.ProgressListener.Phase;
import org.pgbackup.controller.RestoreOptions;
import org.pgbackup.controller.RestoreResult;
import org.pgbackup.error.ArchiveNotFoundException;
import org.pgbackup.error.BackupException;
import org.pgbackup.error.DatabasesFailedException;
import org.pgbackup.error.InvalidArchiveNameException;
import org.pgbackup.error.RestoreFailedException;
import org.pgbackup.error.StorageException;
import org.pgbackup.internal.postgres.ServerDatabases;
import org.pgbackup.naming.BackupName;
import org.pgbackup.naming.DatabaseDirectory;
import org.pgbackup.spi.Storage;
import org.tinylog.Logger;

/**
 * {@code restore} and {@code restore-from-shared} of a whole-server service: one database,
 * every database of one run (<code>&#42;/&lt;archive&gt;</code>), or every database's shared copy,
 * each into the database of the same name, created with its owner when it does not exist.
 */
public final class WholeServerRestore {
    /** The database part of <code>&#42;/&lt;archive&gt;</code>: every database of that run. */
    static final String EVERY_DATABASE = "*";

    private final OperationContext ctx;
    private final RestoreOperation restores;

    WholeServerRestore(OperationContext ctx, RestoreOperation restores) {
        this.ctx = ctx;
        this.restores = restores;
    }

    RestoreResult restore(ServiceSettings settings, String argument, RestoreOptions options,
            Cancellation cancellation) {
        String service = settings.name();
        // Archive names never hold a slash, so the last one ends the database's part.
        int slash = argument.lastIndexOf('/');
        if (slash <= 0) {
            throw new InvalidArchiveNameException("Service '" + service + "' backs up every database of its server:"
                    + " name the archive as " + settings.source().either("'list " + service + "' prints it",
                            "list(\"" + service + "\") gives its path()") + ", <database>/<archive>, or */<archive>"
                    + " to restore every database of that run");
        }
        String databasePart = argument.substring(0, slash);
        BackupName name = BackupName.parseArgument(argument.substring(slash + 1));
        Progress progress = new Progress(options.listener(), service, cancellation, ctx.runner());
        progress.phase(Phase.WAITING_FOR_LOCK);
        try (ServiceLock lock = ctx.lock(service, "restore")) {
            if (EVERY_DATABASE.equals(databasePart)) {
                return restoreRun(settings, name, options, progress);
            }
            // As list prints it, or the database's own name.
            String database = DatabaseDirectory.database(databasePart).orElse(databasePart);
            return restores.restoreLocked(RestoreTarget.of(settings, database), name, options, progress);
        } finally {
            progress.phase(Phase.FINISHED);
        }
    }

    private RestoreResult restoreRun(ServiceSettings settings, BackupName name, RestoreOptions options,
            Progress progress) {
        String service = settings.name();
        Map<String, String> unreadable = new LinkedHashMap<>();
        List<String> databases = new ArrayList<>();
        for (String directory : Catalog.directories(ctx.readOrder(), service, unreadable)) {
            String path = service + "/" + directory;
            boolean holds = ctx.readOrder().entrySet().stream().anyMatch(d -> OperationContext.listingOrNote(d, path,
                    unreadable).stream().anyMatch(o -> o.name().equals(name.fileName())));
            if (holds) {
                databases.add(DatabaseDirectory.database(directory).orElseThrow());
            }
        }
        if (databases.isEmpty()) {
            throw new ArchiveNotFoundException("Service '" + service + "' has no database with an archive " + name
                    + (unreadable.isEmpty() ? "" : " (" + String.join(", ", unreadable.keySet())
                            + " could not be searched)") + ": " + settings.source().operation("list", service)
                    + " to see its archives");
        }
        Logger.info("{}: restoring the run {} into {} databases", service, name, databases.size());
        return each(settings, databases, options, (database, each) -> restores.restoreLocked(
                RestoreTarget.of(settings, database), name, each, progress.part(service + "/" + database,
                        each.listener())));
    }

    RestoreResult restoreFromShared(ServiceSettings settings, RestoreOptions options, Cancellation cancellation) {
        String service = settings.name();
        Progress progress = new Progress(options.listener(), service, cancellation, ctx.runner());
        progress.phase(Phase.WAITING_FOR_LOCK);
        try (ServiceLock lock = ctx.lock(service, "restore");
                Storage shared = ctx.sharedStorage()) {
            Map<String, String> unreadable = new LinkedHashMap<>();
            List<String> databases = Catalog.directories(Map.of(BackupController.SHARED, shared), service, unreadable)
                    .stream().map(d -> DatabaseDirectory.database(d).orElseThrow()).toList();
            if (!unreadable.isEmpty()) {
                throw new StorageException(unreadable.values().iterator().next());
            }
            if (databases.isEmpty()) {
                throw new ArchiveNotFoundException("Service '" + service + "' has no shared copy: "
                        + ctx.config().sharedRoot().resolve(service) + " holds no database directory. Create them"
                        + " with " + settings.source().either("'dump " + service + " --shared'", "dump(\"" + service
                                + "\", DumpOptions.defaults().toShared())") + " where the data lives");
            }
            return each(settings, databases, options, (database, each) -> {
                RestoreTarget target = RestoreTarget.of(settings, database);
                String file = SharedCopy.newest(shared, target.directory())
                        .orElseThrow(() -> new ArchiveNotFoundException("The shared directory of database '"
                                + database + "' of service '" + service + "' holds no file.dump"));
                return restores.restoreFrom(shared, target, file, each, progress.part(service + "/" + database,
                        each.listener()));
            });
        } catch (IOException e) {
            throw new StorageException("Closing the shared directory failed: " + e.getMessage(), e);
        } finally {
            progress.phase(Phase.FINISHED);
        }
    }

    private interface DatabaseRestore {
        RestoreResult restore(String database, RestoreOptions options);
    }

    /**
     * Restores each database in turn, going on after one fails; the roles, when asked for,
     * are applied by the first restore that gets that far.
     */
    private static RestoreResult each(ServiceSettings settings, List<String> databases, RestoreOptions options,
            DatabaseRestore restore) {
        long started = System.nanoTime();
        List<RestoreResult> restored = new ArrayList<>();
        Map<String, String> failures = new LinkedHashMap<>();
        RestoreOptions each = options;
        for (String database : databases) {
            try {
                restored.add(restore.restore(database, each));
                each = options.withoutRoles();
            } catch (BackupException e) {
                Logger.error("{}: database '{}' failed: {}", settings.name(), database, e.getMessage());
                failures.put(database, e.getMessage());
            }
        }
        if (!failures.isEmpty()) {
            throw new DatabasesFailedException(DatabaseFailures.describe(settings.name(), databases.size(), failures,
                    "failed to restore", "are restored"), failures);
        }
        RestoreResult first = restored.get(0);
        return new RestoreResult(settings.name(), first.archive(), first.source(),
                restored.stream().mapToLong(RestoreResult::size).sum(), "",
                restored.stream().allMatch(RestoreResult::checkedAgainstManifest), options.jobCount(),
                Duration.ofNanos(System.nanoTime() - started), TableSelection.all(), ServiceSettings.EVERY_DATABASE,
                restored);
    }

    /**
     * Creates the database a restore goes into when it does not exist, owned by the role
     * that owned it at the dump when that role exists here.
     *
     * @return whether it was created, so that a failed restore drops it again
     */
    static boolean createIfMissing(ServiceSettings database, Optional<String> owner) {
        try (ServerDatabases server = ServerDatabases.connect(database)) {
            if (server.exists(database.database())) {
                return false;
            }
            Optional<String> kept = Optional.empty();
            if (owner.isPresent() && server.roleExists(owner.get())) {
                kept = owner;
            } else if (owner.isPresent()) {
                Logger.warn("{}: database '{}' is created owned by '{}': its owner at the dump, '{}', is no role of {}"
                        + " (restore with --with-roles to create the roles first)", database.name(),
                        database.database(), database.user(), owner.get(), database.address());
            }
            server.create(database.database(), kept);
            Logger.info("{}: created database '{}' at {}, owned by '{}'", database.name(), database.database(),
                    database.address(), kept.orElse(database.user()));
            return true;
        } catch (SQLException e) {
            throw new RestoreFailedException("Database '" + database.database() + "' of service '" + database.name()
                    + "' does not exist at " + database.address() + " and cannot be created: " + e.getMessage()
                    + ". Create it, or grant '" + database.user() + "' CREATEDB");
        }
    }

    /** Drops a database this restore created, so that a failed restore leaves the server as it was. */
    static void dropCreated(ServiceSettings database) {
        try (ServerDatabases server = ServerDatabases.connect(database)) {
            server.drop(database.database());
            Logger.info("{}: dropped database '{}' again, created for a restore that failed", database.name(),
                    database.database());
        } catch (SQLException e) {
            Logger.warn("{}: database '{}', created for a restore that failed, could not be dropped: {}",
                    database.name(), database.database(), e.getMessage());
        }
    }
}
