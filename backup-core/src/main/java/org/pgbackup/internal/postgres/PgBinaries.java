package org.pgbackup.internal.postgres;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.pgbackup.error.IncompatibleClientException;
import org.pgbackup.error.ToolNotFoundException;
import org.pgbackup.internal.process.ProcessResult;
import org.pgbackup.internal.process.ProcessRunner;
import org.pgbackup.internal.process.ProcessSpec;

/**
 * Finds PostgreSQL programs: in {@code PG_BIN_DIR} alone when it is set; otherwise in the
 * versioned directories of Debian's packages ({@code /usr/lib/postgresql/<major>/bin},
 * newest first), then on {@code PATH}. A newer {@code pg_dump} reads every older server,
 * so the newest installed client is the one to use.
 */
public final class PgBinaries {
    /** Where Debian and the official image install each major's programs. */
    public static final Path DEBIAN_ROOT = Path.of("/usr/lib/postgresql");
    private static final Pattern MAJOR_DIR = Pattern.compile("\\d+");
    private static final Duration VERSION_TIMEOUT = Duration.ofSeconds(30);

    private final List<Path> searchPath;
    private final boolean explicit;
    private final Path debianRoot;
    private final ProcessRunner runner;
    private final Map<Path, Probe> probes = new ConcurrentHashMap<>();

    private PgBinaries(List<Path> searchPath, boolean explicit, Path debianRoot, ProcessRunner runner) {
        this.searchPath = List.copyOf(searchPath);
        this.explicit = explicit;
        this.debianRoot = debianRoot;
        this.runner = runner;
    }

    /** The runner that asks programs for their versions, and that {@code pg_resetwal} runs on. */
    public ProcessRunner runner() {
        return runner;
    }

    /**
     * The search path for a configuration.
     *
     * @param pgBinDir {@code PG_BIN_DIR}, when set
     * @param debianRoot the directory holding one directory per major, normally {@link #DEBIAN_ROOT}
     * @param pathVariable the {@code PATH} variable, or null
     * @param runner runs the version probes; it belongs to the controller
     */
    public static PgBinaries locate(Optional<Path> pgBinDir, Path debianRoot, String pathVariable,
            ProcessRunner runner) {
        if (pgBinDir.isPresent()) {
            return new PgBinaries(List.of(pgBinDir.get()), true, debianRoot, runner);
        }
        List<Path> dirs = new ArrayList<>(versionedDirectories(debianRoot));
        if (pathVariable != null) {
            for (String entry : pathVariable.split(":")) {
                if (!entry.isBlank()) {
                    dirs.add(Path.of(entry));
                }
            }
        }
        return new PgBinaries(dirs, false, debianRoot, runner);
    }

    private static List<Path> versionedDirectories(Path root) {
        List<Path> dirs = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return dirs;
        }
        try (DirectoryStream<Path> majors = Files.newDirectoryStream(root,
                p -> MAJOR_DIR.matcher(p.getFileName().toString()).matches())) {
            majors.forEach(p -> dirs.add(p.resolve("bin")));
        } catch (IOException e) {
            return dirs;
        }
        dirs.sort(Comparator.comparingInt((Path p) -> Integer.parseInt(p.getParent().getFileName().toString()))
                .reversed());
        return dirs;
    }

    /**
     * The first program of that name on the search path.
     *
     * @throws ToolNotFoundException if none is installed
     */
    public Path find(String program) {
        return searchPath.stream().map(dir -> dir.resolve(program)).filter(Files::isExecutable).findFirst()
                .orElseThrow(() -> new ToolNotFoundException(program + " was not found in " + where()
                        + ": install the PostgreSQL client programs (Debian: postgresql-client) or set PG_BIN_DIR"));
    }

    /**
     * A client program that can talk to a server: the first found, if its major is the
     * server's or newer.
     *
     * @throws IncompatibleClientException naming both versions, if the client is older
     */
    public Path clientFor(String program, PgVersion server) {
        Path path = find(program);
        PgVersion client = versionOf(path);
        if (client.major() < server.major()) {
            throw tooOld(program, server, client, path);
        }
        return path;
    }

    private static IncompatibleClientException tooOld(String program, PgVersion server, PgVersion client, Path path) {
        return new IncompatibleClientException("The server runs PostgreSQL " + server + " but the newest " + program
                + " found is version " + client + " (" + path + "): install the PostgreSQL " + server.major()
                + " client programs or newer, or point PG_BIN_DIR at them (in a container: an image built on"
                + " postgres:" + server.major() + " or newer)");
    }

    /**
     * The dumping program for a server: of the copies in the versioned directories
     * ({@code /usr/lib/postgresql/<major>/bin}), the one of the lowest major that is the server's or newer, so that a machine with several majors dumps
     * each server with the client closest to it. Restores keep {@link #clientFor}: the newest
     * reads archives of every {@code pg_dump}.
     *
     * @throws IncompatibleClientException naming the server's and the newest client's
     *     versions, if every copy is older than the server
     */
    public Path dumpClientFor(String program, PgVersion server) {
        // The versioned directories only: PATH's copies (Debian's /usr/bin wrapper among them) would
        // each cost a probe, and one of them is already the fallback of clientFor.
        List<Path> copies = explicit ? List.of() : versionedDirectories(debianRoot).stream()
                .map(dir -> dir.resolve(program)).filter(Files::isExecutable).toList();
        if (copies.size() <= 1) {
            return clientFor(program, server);
        }
        Path chosen = null;
        PgVersion chosenVersion = null;
        Path newest = null;
        PgVersion newestVersion = null;
        for (Path copy : copies) {
            PgVersion version = versionOf(copy);
            if (newestVersion == null || version.major() > newestVersion.major()) {
                newest = copy;
                newestVersion = version;
            }
            if (version.major() >= server.major() && (chosenVersion == null || version.major() < chosenVersion.major())) {
                chosen = copy;
                chosenVersion = version;
            }
        }
        if (chosen == null) {
            throw tooOld(program, server, newestVersion, newest);
        }
        return chosen;
    }

    /**
     * A program of exactly one major version, as {@code pg_resetwal} must be for the data
     * directory it changes.
     *
     * @throws IncompatibleClientException naming the versions found, if none matches
     */
    public Path exactly(String program, int major) {
        List<String> seen = new ArrayList<>();
        List<Path> dirs = new ArrayList<>(searchPath);
        if (!explicit) {
            dirs.add(0, debianRoot.resolve(Integer.toString(major)).resolve("bin"));
        }
        for (Path dir : dirs) {
            Path path = dir.resolve(program);
            if (Files.isExecutable(path)) {
                PgVersion version = versionOf(path);
                if (version.major() == major) {
                    return path;
                }
                seen.add(version + " (" + path + ")");
            }
        }
        throw new IncompatibleClientException("The data directory is PostgreSQL " + major + " and needs the " + program
                + " of that version, but " + (seen.isEmpty() ? "none was found in " + where() : "only " + String.join(", ",
                        seen) + " was found") + ": install PostgreSQL " + major + " or point PG_BIN_DIR at its programs");
    }

    /**
     * Asks a program for its version, once for as long as the file is unchanged: every dump
     * asks the same programs, and each probe is a process start.
     */
    public PgVersion versionOf(Path program) {
        Optional<FileStamp> stamp = FileStamp.of(program);
        if (stamp.isPresent()) {
            Probe known = probes.get(program);
            if (known != null && known.stamp().equals(stamp.get())) {
                return known.version();
            }
        }
        PgVersion version = probe(program);
        stamp.ifPresent(s -> probes.put(program, new Probe(s, version)));
        return version;
    }

    /** A version probed, and the file it came from. */
    private record Probe(FileStamp stamp, PgVersion version) {
    }

    /** What tells a replaced program from the one probed: its inode, size and modification time. */
    private record FileStamp(Object fileKey, long size, FileTime modified) {
        /** The file's stamp; empty if it cannot be read. */
        static Optional<FileStamp> of(Path file) {
            try {
                BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                return Optional.of(new FileStamp(attributes.fileKey(), attributes.size(),
                        attributes.lastModifiedTime()));
            } catch (IOException e) {
                return Optional.empty();
            }
        }
    }

    private PgVersion probe(Path program) {
        try {
            ProcessResult result = runner.run(ProcessSpec.of(List.of(program.toString(), "--version"),
                    Map.of(), VERSION_TIMEOUT));
            return PgVersion.ofProgramOutput(result.stdout()).filter(v -> result.succeeded())
                    .orElseThrow(() -> new ToolNotFoundException(program + " --version did not report a PostgreSQL"
                            + " version (" + result.failure() + "): check the program, or set PG_BIN_DIR"));
        } catch (IOException e) {
            throw new ToolNotFoundException(program + " could not be run (" + e.getMessage()
                    + "): check the program, or set PG_BIN_DIR");
        }
    }

    private String where() {
        return explicit ? "PG_BIN_DIR " + searchPath.get(0) : debianRoot + "/*/bin or PATH";
    }
}
