package org.pgbackup.internal.wal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.pgbackup.config.Configuration;
import org.pgbackup.config.ServiceSettings;
import org.pgbackup.spi.Storage;
import org.pgbackup.spi.StorageContext;
import org.pgbackup.spi.StorageProvider;

/**
 * A throwaway PostgreSQL server of the machine's newest installed major
 * ({@code /usr/lib/postgresql/<major>/bin}, which {@code .ci/run} installs), made with 1 MiB
 * WAL segments so that a test fills one in a moment, and password logins only (replication
 * too), so that a client that lost its password fails.
 */
final class ScratchServer implements AutoCloseable {
    static final String USER = "pete";
    static final String PASSWORD = "pete-wal-pw";
    static final long SEGMENT_SIZE = 1L << 20;
    private static final String OS_USER = "postgres";

    private final Path bin;
    private final Path data;
    private final Path socket;
    private final int port;

    private ScratchServer(Path bin, Path data, Path socket, int port) {
        this.bin = bin;
        this.data = data;
        this.socket = socket;
        this.port = port;
    }

    /** @param root a new directory for the server's files, which the server's OS user may enter */
    static ScratchServer start(Path root) throws IOException {
        Path bin = newestBin();
        Path data = root.resolve("data");
        Path socket = Files.createDirectories(root.resolve("socket"));
        Path pwfile = root.resolve("pwfile");
        Files.writeString(pwfile, PASSWORD);
        for (Path dir = root; dir != null && isRoot() && dir.startsWith(root.getParent()); dir = dir.getParent()) {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        giveToServer(root, socket, pwfile);
        run(asServerUser(bin.resolve("initdb").toString(), "--pgdata=" + data, "--username=" + USER,
                "--pwfile=" + pwfile, "--auth=scram-sha-256", "--wal-segsize=1", "--no-sync"));
        return launch(bin, data, socket);
    }

    /**
     * Starts a server on a data directory that is there already, such as a restored one: made
     * the server's OS user's, on a port of its own.
     */
    static ScratchServer startOn(Path data) throws IOException {
        Path socket = Files.createDirectories(data.resolveSibling("socket"));
        for (Path dir = data.getParent(); isRoot() && dir.getNameCount() > 1; dir = dir.getParent()) {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        try (var files = Files.walk(data)) {
            giveToServer(files.toArray(Path[]::new));
        }
        giveToServer(socket, data.getParent());
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwx------"));
        return launch(newestBin(), data, socket);
    }

    private static ScratchServer launch(Path bin, Path data, Path socket) throws IOException {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        ScratchServer server = new ScratchServer(bin, data, socket, port);
        try {
            server.pgCtl("start");
        } catch (IllegalStateException e) {
            throw new IllegalStateException(e.getMessage() + "\nThe server's log:\n" + server.log(), e);
        }
        return server;
    }

    private static Path newestBin() throws IOException {
        try (var majors = Files.list(Path.of("/usr/lib/postgresql"))) {
            return majors.filter(dir -> Files.isExecutable(dir.resolve("bin/initdb")))
                    .max((a, b) -> Integer.compare(Integer.parseInt(a.getFileName().toString()),
                            Integer.parseInt(b.getFileName().toString())))
                    .orElseThrow(() -> new IllegalStateException("No PostgreSQL server under /usr/lib/postgresql:"
                            + " run .ci/run, or install the Debian package postgresql"))
                    .resolve("bin");
        }
    }

    /** Starts, restarts or stops the server, waiting until it has. */
    void pgCtl(String action) {
        run(asServerUser(bin.resolve("pg_ctl").toString(), action, "--pgdata=" + data, "--wait", "--mode=fast",
                "--log=" + data.resolveSibling("server.log"), "--options=-c port=" + port
                        + " -c listen_addresses=127.0.0.1 -c unix_socket_directories=" + socket));
    }

    /** Runs SQL as the superuser in {@code postgres}; what it printed, unaligned, without headers. */
    String sql(String sql) {
        return run(List.of(bin.resolve("psql").toString(), "--no-psqlrc", "--quiet", "--tuples-only", "--no-align",
                "--host=127.0.0.1", "--port=" + port, "--username=" + USER, "--dbname=postgres", "--command=" + sql))
                .strip();
    }

    /** What the server logged, for a failure's message. */
    String log() {
        try {
            return Files.readString(data.resolveSibling("server.log"));
        } catch (IOException e) {
            return "(no server log: " + e.getMessage() + ")";
        }
    }

    Path bin() {
        return bin;
    }

    Path data() {
        return data;
    }

    /** The server as a service of the controller, as the superuser. */
    ServiceSettings service(String name) {
        return service(name, USER, PASSWORD);
    }

    /** The server as a service of the controller, as a role. */
    ServiceSettings service(String name, String user, String password) {
        String prefix = name.toUpperCase();
        return Configuration.from(Map.of("DATABASE_LIST", name, "BACKUP_ROOT", data.resolveSibling("backup")
                .toString(), prefix + "_POSTGRES_HOST", "127.0.0.1", prefix + "_POSTGRES_PORT", Integer.toString(port),
                prefix + "_POSTGRES_USER", user, prefix + "_POSTGRES_PASSWORD", password, prefix + "_POSTGRES_DB",
                "postgres"), List.of(new NoStorage())).service(name);
    }

    /** Makes files the server's OS user's, when the tests run as root and the server as that user. */
    static void giveToServer(Path... files) throws IOException {
        if (!isRoot()) {
            return;
        }
        UserPrincipal postgres = files[0].getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(OS_USER);
        for (Path file : files) {
            Files.setOwner(file, postgres);
        }
    }

    /** The server refuses to run as root: as root, its programs run as the {@code postgres} OS user. */
    private static List<String> asServerUser(String... command) {
        List<String> full = new ArrayList<>();
        if (isRoot()) {
            full.addAll(List.of("runuser", "-u", OS_USER, "--"));
        }
        full.addAll(List.of(command));
        return full;
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** The default destination's id, for a configuration whose storage nothing opens. */
    private static final class NoStorage implements StorageProvider {
        @Override
        public String id() {
            return "local";
        }

        @Override
        public Storage create(StorageContext context) {
            throw new UnsupportedOperationException("WAL tests store nothing");
        }
    }

    private static String run(List<String> command) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).directory(Path.of("/").toFile());
        builder.environment().put("PGPASSWORD", PASSWORD);
        try {
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int status = process.waitFor();
            if (status != 0) {
                throw new IllegalStateException(String.join(" ", command) + " exited with " + status + ": " + output);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        pgCtl("stop");
    }
}
