package org.pgbackup.internal.operation;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.tinylog.Logger;

/**
 * Which databases a whole-server service's server had at its last run, by directory, kept
 * in the service's state directory: {@code list} marks the others as gone from the server,
 * and {@code health} judges only those the run backed up.
 *
 * @param at when the run found them
 * @param backedUp the directories of the databases the run dumped
 * @param excluded the directories of those {@code _EXCLUDE_DATABASES} left out
 */
public record DatabaseRoster(Instant at, Set<String> backedUp, Set<String> excluded) {
    private static final String FILE = "databases";

    public DatabaseRoster {
        backedUp = Set.copyOf(backedUp);
        excluded = Set.copyOf(excluded);
    }

    /** Whether the database of a directory was on the server at that run. */
    boolean onServer(String directory) {
        return backedUp.contains(directory) || excluded.contains(directory);
    }

    /** Writes the roster; a failure is logged: it only informs {@code list} and {@code health}. */
    void write(Path stateDirectory, String service) {
        List<String> lines = new ArrayList<>();
        lines.add(at.toString());
        backedUp.stream().sorted().forEach(d -> lines.add("+ " + d));
        excluded.stream().sorted().forEach(d -> lines.add("- " + d));
        Path file = stateDirectory.resolve(FILE);
        Path next = stateDirectory.resolve(FILE + ".new");
        try {
            Files.write(next, lines, StandardCharsets.UTF_8);
            Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            Logger.warn("{}: recording the server's databases in {} failed: {}", service, file, e.getMessage());
        }
    }

    /** The roster of the last run, if one is recorded. */
    static Optional<DatabaseRoster> read(Path stateDirectory) {
        try {
            List<String> lines = Files.readAllLines(stateDirectory.resolve(FILE), StandardCharsets.UTF_8);
            Set<String> backedUp = new LinkedHashSet<>();
            Set<String> excluded = new LinkedHashSet<>();
            for (String line : lines.subList(1, lines.size())) {
                (line.startsWith("+ ") ? backedUp : excluded).add(line.substring(2));
            }
            return Optional.of(new DatabaseRoster(Instant.parse(lines.get(0)), backedUp, excluded));
        } catch (IOException | DateTimeException | IndexOutOfBoundsException e) {
            return Optional.empty();
        }
    }
}
