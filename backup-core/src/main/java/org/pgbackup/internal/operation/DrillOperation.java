package org.pgbackup.internal.operation;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pgbackup.config.Configuration;
import org.pgbackup.config.DrillSettings;
import org.pgbackup.config.ServiceSettings;
import org.pgbackup.controller.ArchiveInfo;
import org.pgbackup.controller.DrillResult;
import org.pgbackup.error.ArchiveCorruptException;
import org.pgbackup.error.ArchiveNotFoundException;
import org.pgbackup.error.DrillFailedException;
import org.pgbackup.internal.postgres.AdvisoryLock;
import org.pgbackup.internal.postgres.DrillServer;
import org.pgbackup.internal.postgres.PgConnection;
import org.pgbackup.internal.postgres.PgRestore;
import org.pgbackup.internal.postgres.PgSession;
import org.pgbackup.internal.process.ProcessResult;
import org.pgbackup.manifest.Manifest;
import org.pgbackup.naming.BackupName;
import org.pgbackup.spi.Storage;
import org.tinylog.Logger;

/**
 * {@code drill}: the newest complete archive of a service restored into a scratch database
 * on the drill server, checked ({@link DrillChecks}) and dropped whatever happens. The
 * service's lock is held only while the archive is copied out, so a long drill never holds
 * up a scheduled dump; drills of one service take their own lock, and drills of one database
 * into one drill server, from whichever controller, a lock on that server, so that one never
 * drops the scratch database of another as a leftover.
 */
public final class DrillOperation {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMddHHmmss")
            .withZone(ZoneOffset.UTC);
    /** PostgreSQL cuts names at 63 bytes; the database's part gives way to the suffix. */
    private static final int MAX_NAME = 63;

    private final OperationContext ctx;
    private final Configuration config;
    private final Clock clock;
    private final Catalog catalog;

    public DrillOperation(OperationContext ctx, Catalog catalog) {
        this.ctx = ctx;
        this.config = ctx.config();
        this.clock = ctx.clock();
        this.catalog = catalog;
    }

    public DrillResult drill(String service) {
        ServiceSettings settings = config.service(service);
        Instant started = clock.instant();
        Path work = directory(config, service);
        try (ServiceLock drillLock = ServiceLock.acquire(work, service, "drill", config.lockWait())) {
            Path plain = work.resolve(service + BackupName.EXTENSION);
            try {
                DrillResult result = settings.wholeServer() ? new WholeServerDrill(catalog, clock, this)
                        .drill(settings, plain) : drill(settings, Optional.empty(), plain, started);
                LastDrill.record(work, result);
                return result;
            } finally {
                OperationContext.deleteQuietly(plain);
            }
        }
    }

    /**
     * Drills the newest complete archive of the service's directory, or of one database
     * directory of a whole-server service, with {@code settings} narrowed to its database.
     */
    DrillResult drill(ServiceSettings settings, Optional<String> directory, Path plain, Instant started) {
        return restoreAndCheck(settings, copyNewest(settings.name(), directory, plain), plain, started);
    }

    /** Where a service's drills keep their lock, their copy of the archive and the last good drill's time. */
    public static Path directory(Configuration config, String service) {
        return config.stateDirectory(service).resolve("drill");
    }

    /** The archive chosen, its manifest and where it was read. */
    private record Copied(String archive, Manifest manifest, String source) {
    }

    /**
     * Copies the newest complete archive out of storage as a plain custom-format file,
     * checking it against its manifest on the way, under the service's lock.
     */
    private Copied copyNewest(String service, Optional<String> directory, Path plain) {
        try (ServiceLock lock = ctx.lock(service, "drill")) {
            ArchiveInfo newest = catalog.list(service).archives().stream()
                    .filter(a -> a.directory().equals(directory) && a.complete() && a.manifest().isPresent())
                    .findFirst().orElseThrow(() -> new ArchiveNotFoundException("Service '" + service + "' has no"
                            + " complete archive to drill" + directory.map(d -> " in " + d).orElse("") + ": "
                            + config.source().operation("dump", service) + " first"));
            Map.Entry<String, Storage> source = ctx.readOrder().entrySet().stream()
                    .filter(d -> newest.locations().contains(d.getKey()) && !newest.incompleteIn().contains(d.getKey()))
                    .findFirst().orElseThrow();
            String archive = newest.name().fileName();
            Manifest manifest = newest.manifest().orElseThrow();
            ArchiveDigest digest = new ArchiveDigest();
            String what = archive + " of service '" + service + "' in " + source.getValue().describe();
            try {
                OperationContext.createDirectories(plain.getParent(), OperationContext.DATA_DIRECTORIES);
                Files.deleteIfExists(plain);
                Files.createFile(plain, PosixFilePermissions.asFileAttribute(OperationContext.DATA_FILES));
                try (InputStream stored = digest.reading(source.getValue().open(directory.map(d -> service + "/" + d)
                        .orElse(service), archive));
                        InputStream in = config.encryption().open(newest.name().form(),
                                stored, what);
                        OutputStream out = Files.newOutputStream(plain)) {
                    in.transferTo(out);
                    // Whatever the unwrapping left unread still counts for the digest.
                    stored.transferTo(OutputStream.nullOutputStream());
                }
            } catch (IOException e) {
                throw new ArchiveCorruptException(what + " cannot be read or is corrupt: " + e.getMessage(), e);
            }
            Verifier.mismatch(manifest, digest).ifPresent(why -> {
                throw new ArchiveCorruptException(what + " is corrupt: " + why);
            });
            return new Copied(archive, manifest, source.getKey());
        }
    }

    private DrillResult restoreAndCheck(ServiceSettings settings, Copied copied, Path plain, Instant started) {
        String service = settings.name();
        DrillSettings drill = settings.drill();
        String prefix = prefix(settings.database());
        String scratch = prefix + STAMP.format(started);
        DrillServer server;
        try {
            server = DrillServer.connect(drill);
        } catch (SQLException e) {
            throw new DrillFailedException("Drill of service '" + service + "' failed: cannot connect to the drill"
                    + " server " + drill.address() + " as '" + drill.user() + "': " + e.getMessage() + " (check "
                    + settings.drillSettings() + ", or the service's own)", e);
        }
        // Another controller's drill of this database would take this one's scratch database for a leftover.
        try (server; AdvisoryLock claim = config.serverLock() ? AdvisoryLock.forDrill(drill, prefix,
                config.lockWait(), clock) : null) {
            dropLeftovers(service, server, prefix, scratch);
            create(settings, server, scratch);
            try {
                return restoreInto(settings, copied, plain, server, scratch, started);
            } finally {
                try {
                    server.drop(scratch);
                    Logger.info("{}: dropped the scratch database '{}'", service, scratch);
                } catch (SQLException e) {
                    Logger.error("{}: the scratch database '{}' could not be dropped; the next drill drops it: {}",
                            service, scratch, e.getMessage());
                }
            }
        }
    }

    private DrillResult restoreInto(ServiceSettings settings, Copied copied, Path plain, DrillServer server,
            String scratch, Instant started) {
        String service = settings.name();
        DrillSettings drill = settings.drill();
        ServiceSettings target = new ServiceSettings(service, settings.envPrefix(), drill.host(), drill.port(),
                drill.user(), drill.password(), scratch, List.of(), settings.dataDirectory(), settings.tables(),
                Optional.empty(), drill, settings.pitr(), settings.source());
        Path program = ctx.binaries().clientFor("pg_restore", server.version());
        // Held open for the whole drill: a running drill's database is never taken for a leftover.
        try (PgSession guard = PgSession.open(drill.host(), drill.port(), drill.user(), drill.password(), scratch)) {
            Logger.info("{}: drill of {} from {} into the scratch database '{}' at {} (PostgreSQL {})", service,
                    copied.archive(), copied.source(), scratch, drill.address(), server.version());
            ProcessResult restored = new PgRestore(new PgConnection(target, ctx.runner()), program,
                    config.operationTimeout()).run(stdin -> {
                        try (InputStream in = Files.newInputStream(plain)) {
                            in.transferTo(stdin);
                        }
                    }, false);
            if (!restored.succeeded()) {
                throw failed(service, copied, List.of("pg_restore failed: " + restored.failure()));
            }
            ProcessResult toc = PgRestore.list(ctx.runner(), program, plain, config.operationTimeout());
            if (!toc.succeeded()) {
                throw failed(service, copied, List.of("pg_restore --list failed: " + toc.failure()));
            }
            DrillChecks.Outcome outcome = DrillChecks.run(toc.stdout(), copied.manifest(), guard, drill.check());
            if (!outcome.problems().isEmpty()) {
                throw failed(service, copied, outcome.problems());
            }
            Instant finished = clock.instant();
            Logger.info("{}: drill of {} passed: {} tables, {} row counts compared{}", service, copied.archive(),
                    outcome.tables(), outcome.compared(), copied.manifest().rowCounts().isEmpty()
                            ? " (the archive's rows were not counted at dump time)" : "");
            return new DrillResult(service, copied.archive(), copied.source(), drill.address(), scratch,
                    outcome.tables(), outcome.compared(), finished, Duration.between(started, finished),
                    settings.database(), List.of());
        } catch (SQLException e) {
            throw failed(service, copied, List.of("the scratch database could not be checked: " + e.getMessage()));
        } catch (IOException e) {
            throw failed(service, copied, List.of("pg_restore could not run: " + e.getMessage()));
        }
    }

    private static DrillFailedException failed(String service, Copied copied, List<String> problems) {
        return new DrillFailedException("Drill of service '" + service + "' failed on " + copied.archive() + ": "
                + String.join("; ", problems));
    }

    private void create(ServiceSettings settings, DrillServer server, String scratch) {
        DrillSettings drill = settings.drill();
        try {
            server.create(scratch);
        } catch (SQLException e) {
            String why = DrillServer.INSUFFICIENT_PRIVILEGE.equals(e.getSQLState())
                    ? "the role '" + drill.user() + "' may not create databases there: grant it CREATEDB (ALTER ROLE "
                            + PgSession.quote(drill.user()) + " CREATEDB), or name another server and role with "
                            + settings.drillSettings()
                    : e.getMessage();
            throw new DrillFailedException("Drill of service '" + settings.name() + "' failed: cannot create the"
                    + " scratch database '" + scratch + "' on " + drill.address() + ": " + why, e);
        }
    }

    private static void dropLeftovers(String service, DrillServer server, String prefix, String scratch) {
        List<String> kept = new ArrayList<>();
        try {
            for (String name : server.dropLeftovers(prefix, scratch, kept)) {
                Logger.warn("{}: dropped '{}', the scratch database of an earlier drill that did not end", service,
                        name);
            }
        } catch (SQLException e) {
            kept.add(e.getMessage());
        }
        kept.forEach(why -> Logger.warn("{}: a scratch database of an earlier drill stays: {}", service, why));
    }

    /** {@code <db>_drill_}, cut so that the whole name fits PostgreSQL's 63 bytes. */
    static String prefix(String database) {
        String suffix = "_drill_";
        int room = MAX_NAME - suffix.length() - 14;
        String head = database;
        while (head.getBytes(StandardCharsets.UTF_8).length > room) {
            head = head.substring(0, head.offsetByCodePoints(head.length(), -1));
        }
        return head + suffix;
    }
}
