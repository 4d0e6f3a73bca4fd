package org.pgbackup.internal.postgres;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.pgbackup.config.TableSelection;
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
     * @param tables the part of the database to dump
     * @param snapshot an exported snapshot to read, or empty for a snapshot of its own
     * @return how {@code pg_dump} ended
     * @throws IOException if the consumer failed; {@code pg_dump} is then stopped
     */
    public ProcessResult run(String compressOption, TableSelection tables, Optional<String> snapshot,
            ProcessSpec.Consumer archive) throws IOException {
        List<String> options = new ArrayList<>(List.of("--format=custom", compressOption));
        snapshot.ifPresent(id -> options.add("--snapshot=" + id));
        options.addAll(tables.pgDumpOptions());
        return connection.runner().run(ProcessSpec.of(connection.command(program, options.toArray(String[]::new)),
                connection.environment(), timeout).withStdout(archive));
    }

    /**
     * The patterns of a selection that match nothing on the server, found by {@code pg_dump}
     * itself ({@code --strict-names} with the definitions only), so that they mean exactly
     * what they mean to the dump. One run when every pattern matches, one per pattern when not.
     *
     * @throws IOException if {@code pg_dump} could not run
     */
    public List<String> unmatched(TableSelection tables) throws IOException {
        List<String> tablePatterns = new ArrayList<>(tables.excludeTables());
        tablePatterns.addAll(tables.excludeTableData());
        List<String> missing = new ArrayList<>(unmatched("--table=", tablePatterns, "tables"));
        missing.addAll(unmatched("--schema=", tables.schemas(), "schemas"));
        return missing;
    }

    private List<String> unmatched(String option, List<String> patterns, String kind) throws IOException {
        if (patterns.isEmpty() || probe(option, patterns, kind)) {
            return List.of();
        }
        List<String> missing = new ArrayList<>();
        for (String pattern : patterns) {
            if (patterns.size() == 1 || !probe(option, List.of(pattern), kind)) {
                missing.add(pattern);
            }
        }
        return missing;
    }

    /** Whether every pattern matches; a failure other than a pattern that matches nothing counts as a match. */
    private boolean probe(String option, List<String> patterns, String kind) throws IOException {
        List<String> options = new ArrayList<>(List.of("--schema-only", "--strict-names", "--file=/dev/null"));
        patterns.forEach(p -> options.add(option + p));
        ProcessResult result = connection.runner().run(ProcessSpec.of(connection.command(program,
                options.toArray(String[]::new)), connection.environment(), timeout));
        return result.succeeded() || !result.stderr().contains("no matching " + kind + " were found");
    }
}
