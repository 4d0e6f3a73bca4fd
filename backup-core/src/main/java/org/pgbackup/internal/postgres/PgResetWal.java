package org.pgbackup.internal.postgres;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pgbackup.config.EnvironmentVariables;
import org.pgbackup.config.ServiceSettings;
import org.pgbackup.error.ResetWalFailedException;
import org.pgbackup.error.ServerRunningException;
import org.pgbackup.internal.process.ProcessResult;
import org.pgbackup.internal.process.ProcessSpec;

/**
 * {@code pg_resetwal} on a stopped server's data directory, run with the program of exactly
 * the directory's major version and as the directory's owner, as PostgreSQL requires.
 */
public final class PgResetWal {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);

    private final PgBinaries binaries;
    private final Duration timeout;
    private final ServiceSettings service;
    private final Path dataDirectory;

    public PgResetWal(PgBinaries binaries, Duration timeout, ServiceSettings service) {
        this.binaries = binaries;
        this.timeout = timeout;
        this.service = service;
        this.dataDirectory = service.dataDirectory();
    }

    /**
     * Refuses while the server runs: it answers on its host and port, or
     * {@code postmaster.pid} names a live process here.
     *
     * @return the stale {@code postmaster.pid} a crash left, if any: it must be moved aside
     * @throws ServerRunningException if the server runs, or a stale pid file exists and
     *     {@code force} is false
     */
    public Optional<Path> checkStopped(boolean force) {
        majorOf();
        if (answers()) {
            throw new ServerRunningException("The server of service '" + service.name() + "' is running: it answers"
                    + " at " + service.address() + ". Stop the server before resetwal");
        }
        Path pid = dataDirectory.resolve("postmaster.pid");
        if (!Files.exists(pid)) {
            return Optional.empty();
        }
        Optional<Long> number = firstLine(pid);
        if (number.flatMap(ProcessHandle::of).filter(ProcessHandle::isAlive).isPresent()) {
            throw new ServerRunningException("The server of service '" + service.name() + "' is running: " + pid
                    + " names process " + number.get() + ", which is alive. Stop the server before resetwal");
        }
        if (!force) {
            throw new ServerRunningException("The server of service '" + service.name() + "' did not shut down"
                    + " cleanly: " + pid + " exists" + number.map(n -> " (process " + n + " is gone)").orElse("")
                    + ". If the server is really stopped, add --force: the file is saved and moved aside");
        }
        return Optional.of(pid);
    }

    private boolean answers() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(service.host(), service.port()), (int) CONNECT_TIMEOUT.toMillis());
            return true;
        } catch (IOException | IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * What {@code pg_resetwal --dry-run} says it would do; changes nothing. A stale
     * {@code postmaster.pid}, which {@code pg_resetwal} refuses to run beside, is moved out of
     * the way for the dry run and put back.
     */
    public String dryRun(boolean force, Optional<Path> stalePid) {
        if (stalePid.isEmpty()) {
            return run(force, true);
        }
        Path aside = stalePid.get().resolveSibling("postmaster.pid.resetwal-dry-run");
        try {
            Files.move(stalePid.get(), aside);
        } catch (IOException e) {
            throw new ResetWalFailedException("Cannot move " + stalePid.get() + " aside for the dry run: "
                    + e.getMessage());
        }
        try {
            return run(force, true);
        } finally {
            try {
                Files.move(aside, stalePid.get());
            } catch (IOException e) {
                throw new ResetWalFailedException("Cannot put " + stalePid.get() + " back from " + aside + ": "
                        + e.getMessage() + ". Move it back by hand");
            }
        }
    }

    /**
     * Resets the write-ahead log.
     *
     * @param force passes {@code -f}, which resets even when the control data looks damaged
     * @return what {@code pg_resetwal} printed
     * @throws ResetWalFailedException if it failed, quoting it
     */
    public String reset(boolean force) {
        return run(force, false);
    }

    private String run(boolean force, boolean dryRun) {
        Path program = binaries.exactly("pg_resetwal", majorOf());
        List<String> command = new ArrayList<>(asOwnerOf());
        command.add(program.toString());
        if (dryRun) {
            command.add("--dry-run");
        }
        if (force) {
            command.add("--force");
        }
        command.add("--pgdata=" + dataDirectory);
        try {
            ProcessResult result = binaries.runner().run(ProcessSpec.of(command, Map.of(), timeout));
            if (!result.succeeded()) {
                throw new ResetWalFailedException("pg_resetwal" + (dryRun ? " --dry-run" : "") + " failed on "
                        + dataDirectory + " of service '" + service.name() + "': " + result.failure()
                        + (force ? "" : ". If the control data is damaged, --force makes pg_resetwal go on"));
            }
            return (result.stdout() + result.stderr()).strip();
        } catch (IOException e) {
            throw new ResetWalFailedException("pg_resetwal could not run on " + dataDirectory + ": " + e.getMessage());
        }
    }

    /** The major version in {@code PG_VERSION}, which the program must match exactly. */
    public int majorOf() {
        Path versionFile = dataDirectory.resolve("PG_VERSION");
        try {
            return Integer.parseInt(Files.readString(versionFile, StandardCharsets.US_ASCII).trim());
        } catch (IOException | NumberFormatException e) {
            throw new ResetWalFailedException(dataDirectory + " is not a PostgreSQL data directory (no readable"
                    + " PG_VERSION): mount the data directory of service '" + service.name() + "' there, or set "
                    + EnvironmentVariables.envPrefix(service.name()) + "PGDATA");
        }
    }

    private static Optional<Long> firstLine(Path pid) {
        try {
            List<String> lines = Files.readAllLines(pid, StandardCharsets.US_ASCII);
            return lines.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(lines.get(0).trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** PostgreSQL refuses to let anyone but the owner change a data directory: see {@link OwnerSwitch}. */
    private List<String> asOwnerOf() {
        try {
            int owner = (Integer) Files.getAttribute(dataDirectory, "unix:uid");
            int group = (Integer) Files.getAttribute(dataDirectory, "unix:gid");
            int self = OwnerSwitch.self();
            if (self == owner) {
                return List.of();
            }
            if (self != 0) {
                throw new ResetWalFailedException("resetwal must run as the owner of " + dataDirectory + " (uid " + owner
                        + ") or as root, not as uid " + self + ": run the controller as the 'postgres' user");
            }
            return OwnerSwitch.as(owner, group, "pg_resetwal for " + dataDirectory);
        } catch (IOException | UnsupportedOperationException e) {
            throw new ResetWalFailedException("Cannot read the owner of " + dataDirectory + " for service '"
                    + service.name() + "': " + e.getMessage());
        }
    }
}
