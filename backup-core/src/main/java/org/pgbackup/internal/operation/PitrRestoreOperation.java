package org.pgbackup.internal.operation;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.pgbackup.config.Configuration;
import org.pgbackup.config.ServiceSettings;
import org.pgbackup.controller.Cancellation;
import org.pgbackup.controller.ProgressListener;
import org.pgbackup.controller.ProgressListener.Phase;
import org.pgbackup.error.BackupException;
import org.pgbackup.error.ConfirmationRequiredException;
import org.pgbackup.error.RestoreFailedException;
import org.pgbackup.error.ServerRunningException;
import org.pgbackup.error.StorageException;
import org.pgbackup.internal.postgres.RecoveredServer;
import org.pgbackup.internal.wal.NewestCommit;
import org.pgbackup.internal.wal.PitrRestore;
import org.pgbackup.internal.wal.WalArchive;
import org.pgbackup.pitr.PitrRestoreOptions;
import org.pgbackup.pitr.PitrRestoreResult;
import org.pgbackup.pitr.PitrRestoreResult.StartedServer;
import org.pgbackup.spi.Storage;
import org.tinylog.Logger;

/**
 * {@code restore-pitr}: a service's server as it was at a moment, written into a directory
 * that PostgreSQL then recovers on by itself. Everything is decided and checked before the
 * directory is touched; a restore that fails while writing clears what it wrote and puts back
 * what it had moved aside, so that the directory is left as it was.
 */
public final class PitrRestoreOperation {
    /** Where a directory's earlier contents go, under the service's state directory. */
    static final String ASIDE = "pitr-aside";
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    private final OperationContext ctx;

    public PitrRestoreOperation(OperationContext ctx) {
        this.ctx = ctx;
    }

    /**
     * Restores, told to a listener: {@link Phase#WAITING_FOR_LOCK}, {@link Phase#RESTORING} with
     * the stored bytes fetched, {@link Phase#RECOVERING} when it starts the server, and
     * {@link Phase#FINISHED}. A cancellation stops it between files; the directory is then left
     * as it was.
     */
    public PitrRestoreResult restore(String service, PitrRestoreOptions options, ProgressListener listener,
            Cancellation cancellation) {
        Progress progress = new Progress(listener, service, cancellation, ctx.runner());
        progress.phase(Phase.WAITING_FOR_LOCK);
        try {
            return restored(service, options, progress);
        } finally {
            progress.phase(Phase.FINISHED);
        }
    }

    private PitrRestoreResult restored(String service, PitrRestoreOptions options, Progress progress) {
        Configuration config = ctx.config();
        ServiceSettings settings = config.service(service);
        Path into = options.into().orElse(settings.dataDirectory()).toAbsolutePath().normalize();
        try (ServiceLock lock = ctx.lock(service, "restore-pitr")) {
            if (Files.exists(into.resolve("postmaster.pid"))) {
                throw new ServerRunningException("Cannot restore service '" + service + "' into " + into + ": a server"
                        + " uses it (it holds postmaster.pid). Stop that server first; if it is already stopped and"
                        + " the file is left from a crash, remove it. Nothing was changed");
            }
            boolean occupied = occupied(into);
            Path aside = config.stateDirectory(service).resolve(ASIDE).resolve(STAMP.format(ctx.clock().instant()));
            if (occupied && !options.replace()) {
                throw new ConfirmationRequiredException("Cannot restore service '" + service + "' into " + into
                        + ": it is not empty. Add --yes to move its contents aside (to " + aside + ") first, or"
                        + " restore --into an empty directory. Nothing was changed");
            }
            WalArchive archive = new WalArchive(ctx.destinations(), config.encryption());
            Chosen chosen = plan(archive, service, options.target());
            progress.phase(Phase.RESTORING);
            UnaryOperator<InputStream> fetched = progress.countingAll();
            Optional<Path> movedAside = Optional.empty();
            boolean existed = Files.exists(into);
            try {
                if (occupied) {
                    DirectoryContents.move(into, aside);
                    movedAside = Optional.of(aside);
                    Logger.warn("{}: moved the contents of {} aside to {}", service, into, aside);
                }
                PitrRestore.write(chosen.plan(), archive, chosen.storage(), chosen.destination(), service,
                        config.encryption(), into, this::newestCommit, in -> {
                            progress.checkCancelled();
                            return fetched.apply(in);
                        });
            } catch (IOException | RuntimeException e) {
                undo(service, into, existed, movedAside);
                if (e instanceof BackupException failure) {
                    throw failure;
                }
                throw new RestoreFailedException("Restoring service '" + service + "' into " + into + " failed: "
                        + e.getMessage() + ". The directory was left as it was", e);
            }
            PitrRestore.Plan plan = chosen.plan();
            Logger.info("{}: restored base backup {} and {} WAL file(s) from {} into {}, to recover to {}", service,
                    plan.base().name(), plan.files().size() + plan.partial().map(p -> 1).orElse(0),
                    chosen.destination(), into, plan.target().map(Instant::toString).orElse("the latest time"));
            Optional<StartedServer> started = Optional.empty();
            if (options.start()) {
                progress.phase(Phase.RECOVERING);
                started = Optional.of(RecoveredServer.start(into, ctx.binaries(), progress.runner(),
                        config.operationTimeout()));
            }
            return new PitrRestoreResult(service, into, chosen.destination(), BaseBackupOperation.info(plan.base()),
                    plan.files().size() + plan.partial().map(p -> 1).orElse(0), plan.target(), movedAside, started);
        }
    }

    /** The newest transaction end in restored WAL, read by the pg_waldump of its major. */
    private Optional<Instant> newestCommit(Path wal, java.util.List<String> segments, int major) throws IOException {
        Path waldump;
        try {
            waldump = ctx.binaries().exactly("pg_waldump", major);
        } catch (BackupException e) {
            throw new IOException(e.getMessage(), e);
        }
        return NewestCommit.in(waldump, wal, segments, ctx.runner());
    }

    private record Chosen(String destination, Storage storage, PitrRestore.Plan plan) {
    }

    /**
     * Plans from the first destination, the local one first, that can restore to the target: a
     * bucket still restores a time whose WAL the local volume lost.
     */
    private Chosen plan(WalArchive archive, String service, Optional<Instant> target) {
        BackupException refused = null;
        Path scratch = null;
        try {
            scratch = Files.createTempDirectory("pitr-plan");
            for (Map.Entry<String, Storage> destination : ctx.readOrder().entrySet()) {
                try {
                    return new Chosen(destination.getKey(), destination.getValue(), PitrRestore.plan(archive,
                            destination.getValue(), destination.getKey(), service, target, scratch));
                } catch (BackupException e) {
                    Logger.warn("{}: {}", service, e.getMessage());
                    refused = refused == null ? e : refused;
                } catch (IOException e) {
                    Logger.warn("{}: cannot read destination {}: {}", service, destination.getKey(), e.getMessage());
                    refused = refused == null ? new StorageException("Cannot read the point-in-time recovery"
                            + " archive of service '" + service + "' in " + destination.getKey() + ": "
                            + e.getMessage(), e) : refused;
                }
            }
            throw refused;
        } catch (IOException e) {
            throw new StorageException("Cannot make a scratch directory to plan the restore of service '" + service
                    + "': " + e.getMessage(), e);
        } finally {
            if (scratch != null) {
                try {
                    DirectoryContents.clear(scratch);
                    Files.deleteIfExists(scratch);
                } catch (IOException e) {
                    Logger.warn("Cannot remove {}: {}", scratch, e.getMessage());
                }
            }
        }
    }

    private static boolean occupied(Path into) {
        try {
            return DirectoryContents.occupied(into);
        } catch (IOException e) {
            throw new StorageException("Cannot read " + into + ": " + e.getMessage(), e);
        }
    }

    /** Puts the directory back as it was: its old contents back, or gone if the restore made it. */
    private static void undo(String service, Path into, boolean existed, Optional<Path> movedAside) {
        try {
            DirectoryContents.clear(into);
            if (!existed) {
                Files.deleteIfExists(into);
            }
            if (movedAside.isPresent()) {
                DirectoryContents.move(movedAside.get(), into);
                Files.delete(movedAside.get());
            }
        } catch (IOException e) {
            Logger.error("{}: clearing the failed restore from {} failed: {}{}", service, into, e.getMessage(),
                    movedAside.map(aside -> "; its earlier contents are in " + aside).orElse(""));
        }
    }
}
