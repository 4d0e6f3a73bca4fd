package org.pgbackup.internal.postgres;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.pgbackup.internal.process.ProcessResult;
import org.pgbackup.internal.process.ProcessSpec;

/** {@code pg_dump} of one service's database as a custom-format archive on standard output. */
public final class PgDump {
    private final PgConnection connection;
    private final Path program;
    private final Duration timeout;

    /** @param program a {@code pg_dump} already checked against the server's version */
    public PgDump(PgConnection connection, Path program, Duration timeout) {
        this.connection = connection;
        this.program = program;
        this.timeout = timeout;
    }

    /**
     * Runs the dump, handing its output to {@code archive} as it comes.
     *
     * @param compressOption {@code --compress=<0-9>}, which every {@code pg_dump} reads
     *
     * @return how {@code pg_dump} ended
     * @throws IOException if the consumer failed; {@code pg_dump} is then stopped
     */
    public ProcessResult run(String compressOption, ProcessSpec.Consumer archive) throws IOException {
        return connection.runner().run(ProcessSpec.of(connection.command(program, "--format=custom", compressOption),
                connection.environment(), timeout).withStdout(archive));
    }
}
