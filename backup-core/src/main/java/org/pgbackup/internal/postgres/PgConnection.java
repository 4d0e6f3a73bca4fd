package org.pgbackup.internal.postgres;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.pgbackup.config.ServiceSettings;
import org.pgbackup.error.DatabaseConnectionException;
import org.pgbackup.internal.process.ProcessResult;
import org.pgbackup.internal.process.ProcessRunner;
import org.pgbackup.internal.process.ProcessSpec;
import org.pgbackup.naming.DatabaseDirectory;

/**
 * How the client programs reach one service's server. The password travels in the child's
 * environment ({@code PGPASSWORD}), never in its arguments, and {@code -w} makes a client
 * fail rather than wait for a password prompt that nobody answers.
 */
public final class PgConnection {
    private static final Duration QUERY_TIMEOUT = Duration.ofMinutes(1);
    private final ServiceSettings service;
    private final ProcessRunner runner;

    /** @param runner runs the programs that use this connection; it belongs to the controller */
    public PgConnection(ServiceSettings service, ProcessRunner runner) {
        this.service = service;
        this.runner = runner;
    }

    /** The runner of the controller this connection belongs to. */
    public ProcessRunner runner() {
        return runner;
    }

    public ServiceSettings service() {
        return service;
    }

    /** The arguments that name the server, the role and the database. */
    public List<String> arguments() {
        return List.of("--host=" + service.host(), "--port=" + service.port(), "--username=" + service.user(),
                "--no-password", "--dbname=" + conninfo(service.database()));
    }

    /** A program and its arguments, followed by the connection's. */
    public List<String> command(Path program, String... options) {
        List<String> command = new ArrayList<>();
        command.add(program.toString());
        command.addAll(List.of(options));
        command.addAll(arguments());
        return command;
    }

    /**
     * A program and its arguments, followed by the connection's as a physical replication
     * connection ({@code replication=true}), such as a walsender's, in place of the database.
     */
    public List<String> replicationCommand(Path program, String... options) {
        List<String> command = new ArrayList<>(command(program, options));
        command.set(command.size() - 1, "--dbname=replication=true");
        return command;
    }

    /** What the child's environment needs: the password, a connect timeout, a name in pg_stat_activity. */
    public Map<String, String> environment() {
        return Map.of("PGPASSWORD", new String(service.password().get()), "PGCONNECT_TIMEOUT", "10",
                "PGAPPNAME", "pg-backup-controller");
    }

    /**
     * The server's version, asked with {@code psql}. This is also the check that the server
     * answers and accepts the credentials.
     *
     * @throws DatabaseConnectionException if it cannot be reached or refuses the login
     */
    public PgVersion serverVersion(PgBinaries binaries) {
        List<String> command = command(binaries.find("psql"), "--no-psqlrc", "--tuples-only", "--no-align",
                "--field-separator= ", "--command=SELECT current_setting('server_version_num'),"
                        + " current_setting('server_version')");
        ProcessResult result;
        try {
            result = runner.run(ProcessSpec.of(command, environment(), QUERY_TIMEOUT));
        } catch (IOException e) {
            throw unreachable(e.getMessage());
        }
        if (!result.succeeded()) {
            throw unreachable(result.failure());
        }
        String[] fields = result.stdout().strip().split(" ", 2);
        return PgVersion.ofServer(fields[0], fields.length > 1 ? fields[1] : fields[0])
                .orElseThrow(() -> unreachable("unexpected answer to a version query: " + result.stdout().strip()));
    }

    private DatabaseConnectionException unreachable(String why) {
        return unreachable(service, why);
    }

    /** The failure of a connection to the service's server, for whatever connected. */
    static DatabaseConnectionException unreachable(ServiceSettings service, String why) {
        return new DatabaseConnectionException("Cannot connect to service '" + service.name() + "' at "
                + service.address() + " (database '" + service.database() + "', user '" + service.user() + "'): "
                + why + " (check that the server runs, and " + service.connectionSettings() + ")");
    }

    /**
     * A database name as a libpq connection URI that names nothing else, so that no name is
     * mistaken for options, and every byte beyond ASCII letters and digits is percent-encoded:
     * the JVM passes arguments in the platform's charset, which in a container without a
     * locale is ASCII, and would turn {@code café} into {@code caf?}.
     */
    static String conninfo(String database) {
        // The directory form is exactly that: unreserved characters and %XX of the UTF-8 bytes.
        return "postgresql:///" + DatabaseDirectory.of(database);
    }
}
