package org.pgbackup.internal.postgres;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.pgbackup.internal.process.ProcessResult;
import org.pgbackup.internal.process.ProcessSpec;
import org.tinylog.Logger;

/**
 * {@code pg_dumpall --roles-only}: the instance's roles, which a per-database dump lacks
 * and without which its grants cannot be restored on a fresh server.
 */
public final class PgDumpAll {
    private final PgConnection connection;
    private final Path program;
    private final Duration timeout;

    /** @param program a {@code pg_dumpall} already checked against the server's version */
    public PgDumpAll(PgConnection connection, Path program, Duration timeout) {
        this.connection = connection;
        this.program = program;
        this.timeout = timeout;
    }

    /**
     * The roles as SQL: with their password hashes when asked for and the user may read
     * them, else without ({@code --no-role-passwords}).
     *
     * @param passwords whether to try with the password hashes first
     * @return empty, with a warning logged, if even that failed
     */
    public Optional<String> roles(boolean passwords) {
        if (!passwords) {
            return run("--roles-only", "--no-role-passwords");
        }
        Optional<String> withPasswords = run("--roles-only");
        return withPasswords.isPresent() ? withPasswords : run("--roles-only", "--no-role-passwords");
    }

    private Optional<String> run(String... options) {
        try {
            ProcessResult result = connection.runner().run(ProcessSpec.of(connection.command(program, options),
                    connection.environment(), timeout));
            if (result.succeeded()) {
                return Optional.of(result.stdout());
            }
            Logger.warn("{}: pg_dumpall {} failed: {}", connection.service().name(), String.join(" ", options),
                    result.failure());
        } catch (IOException e) {
            Logger.warn("{}: pg_dumpall could not run: {}", connection.service().name(), e.getMessage());
        }
        return Optional.empty();
    }
}
