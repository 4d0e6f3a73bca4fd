package org.pgbackup.internal.postgres;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Collectors;
import org.pgbackup.internal.process.ProcessResult;
import org.pgbackup.internal.process.ProcessSpec;

/** Applies roles saved by {@code pg_dumpall --roles-only} with {@code psql}. */
public final class PgRoles {
    private final PgConnection connection;
    private final Path psql;
    private final Duration timeout;

    public PgRoles(PgConnection connection, Path psql, Duration timeout) {
        this.connection = connection;
        this.psql = psql;
        this.timeout = timeout;
    }

    /**
     * Runs the SQL statement by statement; a role that exists already (the connecting user's
     * own, at least) is not an error.
     *
     * @return the errors other than "already exists", one per line; empty when none
     */
    public String apply(String sql) {
        try {
            ProcessResult result = connection.runner().run(ProcessSpec.of(connection.command(psql, "--no-psqlrc",
                    "--quiet", "--file=-"), connection.environment(), timeout).withStdin(out -> out.write(
                            sql.getBytes(StandardCharsets.UTF_8))));
            String errors = result.stderr().lines().filter(l -> l.contains("ERROR:"))
                    .filter(l -> !l.contains("already exists")).collect(Collectors.joining("\n"));
            if (!result.succeeded() && errors.isEmpty()) {
                return result.failure();
            }
            return errors;
        } catch (IOException e) {
            return e.getMessage();
        }
    }
}
