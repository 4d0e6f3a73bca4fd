package org.pgbackup.internal.wal;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The directory {@code pg_receivewal} writes a service's WAL into, on the service's own volume,
 * so that a restarted controller resumes where it left off. A segment is written under its name
 * with {@code .partial} appended and renamed once whole: only files under a final name, a
 * segment's or a timeline history's, are finished and may be stored; each is removed once it
 * has been. The partial one is never taken for a whole segment.
 *
 * <p>{@code pg_receivewal} resumes after the newest segment it finds in the directory. After a
 * gap (the slot was lost) that segment may be gone from the server, so the files are set aside
 * in {@code held/}, still to be stored, and the program starts from the new slot's position.
 */
public final class WalSpool {
    private static final Pattern SEGMENT = Pattern.compile("[0-9A-F]{24}");
    private static final Pattern HISTORY = Pattern.compile("[0-9A-F]{8}\\.history");
    private static final String PARTIAL = ".partial";

    private static final String HELD = "held";

    private final Path directory;

    /** @param directory the spool, created if missing */
    public WalSpool(Path directory) {
        this.directory = requireNonNull(directory, "directory is null");
    }

    /** The spool's directory, created if missing: what {@code pg_receivewal --directory} is given. */
    public Path directory() throws IOException {
        return Files.createDirectories(directory);
    }

    /**
     * The finished files, in the order to store them: by name, which puts a timeline's history
     * after the segments of the timelines before it and before the segments of its own.
     */
    public List<String> finished() throws IOException {
        List<String> finished = new ArrayList<>(names(directory.resolve(HELD), WalSpool::isFinished));
        finished.addAll(names(directory, WalSpool::isFinished));
        return finished;
    }

    private static boolean isFinished(String name) {
        return SEGMENT.matcher(name).matches() || HISTORY.matcher(name).matches();
    }

    /**
     * Sets every file aside in {@code held/} for a gap, so that {@code pg_receivewal} starts
     * from the slot: the finished ones are still stored; a partial one is kept, never stored.
     *
     * @return the names set aside
     */
    public List<String> holdForGap() throws IOException {
        List<String> held = names(directory, name -> isFinished(name) || name.endsWith(PARTIAL));
        Path aside = Files.createDirectories(directory.resolve(HELD));
        for (String name : held) {
            Files.move(directory.resolve(name), aside.resolve(name));
        }
        return held;
    }

    /** The segment being written, if there is one: shipped as a replaceable partial object, never as a segment. */
    public Optional<String> partial() throws IOException {
        List<String> partial = names(directory, name -> name.endsWith(PARTIAL)
                && SEGMENT.matcher(name.substring(0, name.length() - PARTIAL.length())).matches());
        // pg_receivewal writes one at a time; a second is one a crash left, older than the newest.
        return partial.isEmpty() ? Optional.empty() : Optional.of(partial.get(partial.size() - 1));
    }

    /** A file of the spool, by the name {@link #finished()} or {@link #partial()} gave. */
    public Path file(String name) {
        if (!isFinished(name) && !name.endsWith(PARTIAL)) {
            throw new IllegalArgumentException("Not a file of the WAL spool: " + name);
        }
        Path held = directory.resolve(HELD).resolve(name);
        return isFinished(name) && Files.exists(held) ? held : directory.resolve(name);
    }

    /** Removes a finished file once every destination has stored it. */
    public void remove(String name) throws IOException {
        Files.deleteIfExists(file(name));
    }

    private static List<String> names(Path directory, Predicate<String> wanted) throws IOException {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).filter(wanted).sorted()
                    .toList();
        }
    }
}
