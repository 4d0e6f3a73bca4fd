package org.pgbackup.internal.postgres;

import java.util.Map;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.pgbackup.internal.process.ProcessResult;
import org.pgbackup.internal.process.ProcessRunner;
import org.pgbackup.internal.process.ProcessSpec;

/**
 * {@code pg_restore} of a custom-format archive read from standard input into one service's
 * database. It replaces the database's objects with the archive's ({@code --clean
 * --if-exists}) in a single transaction, so a restore that fails leaves the database as it
 * was.
 */
public final class PgRestore {
    private final PgConnection connection;
    private final Path program;
    private final Duration timeout;

    /** @param program a {@code pg_restore} already checked against the server's version */
    public PgRestore(PgConnection connection, Path program, Duration timeout) {
        this.connection = connection;
        this.program = program;
        this.timeout = timeout;
    }

    /**
     * Reads a whole archive from standard input and writes the SQL it holds to nowhere: every
     * data block is read and decompressed, which {@code pg_restore --list} does not do.
     *
     * @param runner the controller's runner
     * @param program a {@code pg_restore} at least as new as the {@code pg_dump} that wrote the archive
     */
    public static ProcessResult readToNowhere(ProcessRunner runner, Path program, ProcessSpec.Feeder archive,
            Duration timeout) throws IOException {
        return runner.run(ProcessSpec.of(List.of(program.toString(), "--file=/dev/null"), Map.of(),
                timeout).withStdin(archive));
    }

    /**
     * The archive's table of contents, {@code pg_restore --list}: one line per entry, such as
     * {@code 215; 1259 16386 TABLE public accounts app}.
     *
     * @param archive a plain custom-format archive
     */
    public static ProcessResult list(ProcessRunner runner, Path program, Path archive, Duration timeout)
            throws IOException {
        return runner.run(ProcessSpec.of(List.of(program.toString(), "--list", archive.toString()), Map.of(),
                timeout));
    }

    /**
     * Runs the restore.
     *
     * @param archive writes the archive's bytes
     * @param keepOwners whether objects keep the owners and privileges the archive records;
     *     without, they belong to the service's user, as restoring into another
     *     environment with other roles needs
     * @throws IOException if feeding the archive failed; {@code pg_restore} is then killed
     *     before its transaction can commit
     */
    public ProcessResult run(ProcessSpec.Feeder archive, boolean keepOwners) throws IOException {
        List<String> options = options(keepOwners);
        options.add(0, "--single-transaction");
        return connection.runner().run(ProcessSpec.of(connection.command(program, options.toArray(String[]::new)),
                connection.environment(), timeout).withStdin(archive));
    }

    /**
     * Runs a parallel restore from a local file, which {@code pg_restore --jobs} needs to
     * seek in. Each job commits on its own: a failure midway leaves the database partly
     * restored.
     *
     * @param archive a plain custom-format archive
     */
    public ProcessResult runParallel(Path archive, int jobs, boolean keepOwners) throws IOException {
        List<String> options = options(keepOwners);
        options.add(0, "--jobs=" + jobs);
        options.add(archive.toString());
        return connection.runner().run(ProcessSpec.of(connection.command(program, options.toArray(String[]::new)),
                connection.environment(), timeout));
    }

    private static List<String> options(boolean keepOwners) {
        List<String> options = new ArrayList<>(List.of("--exit-on-error", "--clean", "--if-exists"));
        if (!keepOwners) {
            options.add("--no-owner");
            options.add("--no-privileges");
        }
        return options;
    }
}
