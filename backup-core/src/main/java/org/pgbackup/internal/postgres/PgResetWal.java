package org.pgbackup.internal.postgres;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.pgbackup.error.ResetWalFailedException;
import org.pgbackup.error.ServerRunningException;
import org.pgbackup.error.ToolNotFoundException;
import org.pgbackup.internal.process.ProcessResult;
import org.pgbackup.internal.process.ProcessRunner;
import org.pgbackup.internal.process.ProcessSpec;

/**
 * {@code pg_resetwal} on a stopped server's data directory, run with the program of exactly
 * the directory's major version and as the directory's owner, as PostgreSQL requires.
 */
public final class PgResetWal {
    private final PgBinaries binaries;
    private final Duration timeout;

    public PgResetWal(PgBinaries binaries, Duration timeout) {
        this.binaries = binaries;
        this.timeout = timeout;
    }

    /**
     * Resets the write-ahead log of a data directory.
     *
     * @return what {@code pg_resetwal} printed
     * @throws ServerRunningException if {@code postmaster.pid} shows a server using the directory
     * @throws ResetWalFailedException if {@code pg_resetwal} failed, quoting it
     */
    public String run(Path dataDirectory, String service) {
        int major = majorOf(dataDirectory, service);
        Path pid = dataDirectory.resolve("postmaster.pid");
        if (Files.exists(pid)) {
            throw new ServerRunningException("The server of service '" + service + "' is running, or did not shut"
                    + " down cleanly: " + pid + " exists" + firstLine(pid) + ". Stop the server before resetwal");
        }
        Path program = binaries.exactly("pg_resetwal", major);
        List<String> command = new ArrayList<>(asOwnerOf(dataDirectory, service));
        command.addAll(List.of(program.toString(), "--pgdata=" + dataDirectory));
        try {
            ProcessResult result = ProcessRunner.run(ProcessSpec.of(command, Map.of(), timeout));
            if (!result.succeeded()) {
                throw new ResetWalFailedException("pg_resetwal failed on " + dataDirectory + " of service '" + service
                        + "': " + result.failure());
            }
            return (result.stdout() + result.stderr()).strip();
        } catch (IOException e) {
            throw new ResetWalFailedException("pg_resetwal could not run on " + dataDirectory + ": " + e.getMessage());
        }
    }

    private static int majorOf(Path dataDirectory, String service) {
        Path versionFile = dataDirectory.resolve("PG_VERSION");
        try {
            return Integer.parseInt(Files.readString(versionFile, StandardCharsets.US_ASCII).trim());
        } catch (IOException | NumberFormatException e) {
            throw new ResetWalFailedException(dataDirectory + " is not a PostgreSQL data directory (no readable"
                    + " PG_VERSION): mount the data directory of service '" + service + "' there, or set "
                    + org.pgbackup.config.Configuration.envPrefix(service) + "PGDATA");
        }
    }

    private static String firstLine(Path pid) {
        try {
            List<String> lines = Files.readAllLines(pid, StandardCharsets.US_ASCII);
            return lines.isEmpty() ? "" : " (PID " + lines.get(0).trim() + ")";
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * PostgreSQL refuses to let anyone but the owner change a data directory. Root switches
     * to the owner's numeric ids, which exist even when no user of that name does, as with
     * a directory mounted from another container.
     */
    private static List<String> asOwnerOf(Path dataDirectory, String service) {
        try {
            int owner = (Integer) Files.getAttribute(dataDirectory, "unix:uid");
            int group = (Integer) Files.getAttribute(dataDirectory, "unix:gid");
            int self = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            if (self == owner) {
                return List.of();
            }
            if (self != 0) {
                throw new ResetWalFailedException("resetwal must run as the owner of " + dataDirectory + " (uid " + owner
                        + ") or as root, not as uid " + self + ": run the controller as the 'postgres' user");
            }
            Path setpriv = Path.of("/usr/bin/setpriv");
            if (!Files.isExecutable(setpriv)) {
                throw new ToolNotFoundException("setpriv (util-linux) is needed to run pg_resetwal as the owner of "
                        + dataDirectory + ": install util-linux, or run the controller as uid " + owner);
            }
            return List.of(setpriv.toString(), "--reuid=" + owner, "--regid=" + group, "--clear-groups", "--");
        } catch (IOException | UnsupportedOperationException e) {
            throw new ResetWalFailedException("Cannot read the owner of " + dataDirectory + " for service '" + service
                    + "': " + e.getMessage());
        }
    }
}
