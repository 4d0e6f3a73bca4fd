package org.pgbackup.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL cluster made from the installed binaries: initdb into a temporary
 * directory, a free loopback port, scram-sha-256 password authentication, no Unix socket.
 * The server refuses to run as root, so when the tests run as root, the server's programs
 * run as the {@code postgres} OS user through {@code runuser}.
 */
public final class PgCluster implements AutoCloseable {
    private static final String HOST = "127.0.0.1";
    private static final String OS_USER = "postgres";

    private final Path base;
    private final Path data;
    private final Path home;
    private final Path bin;
    /** Where psql is: the server's own directory, or the machine's newest for a server bundle without it. */
    private final Path clients;
    private final String user;
    private final String password;
    private final String database;
    private int port;
    private boolean running;

    private PgCluster(Path base, Path bin, String user, String password, String database) {
        this.base = base;
        this.data = base.resolve("data");
        this.home = base.resolve("home");
        this.bin = bin;
        this.clients = Files.isExecutable(bin.resolve("psql")) ? bin : serverBinaries();
        this.user = user;
        this.password = password;
        this.database = database;
    }

    /**
     * Creates and starts a cluster whose superuser is {@code user}, with a database of that
     * name (unless it is {@code postgres}, which exists already).
     */
    public static PgCluster start(String user, String password, String database) {
        return start(serverBinaries(), user, password, database);
    }

    /**
     * Creates and starts a cluster with the server programs of a directory, such as another
     * major's from a server bundle ({@link PgBundles}).
     */
    public static PgCluster start(Path bin, String user, String password, String database) {
        try {
            Path base = Files.createTempDirectory("pgcluster-");
            PgCluster cluster = new PgCluster(base, bin, user, password, database);
            try {
                cluster.init();
                cluster.startServer();
                if (!database.equals("postgres")) {
                    cluster.psql("postgres", "CREATE DATABASE " + quoteIdent(database));
                }
                return cluster;
            } catch (RuntimeException | IOException e) {
                cluster.close();
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The newest installed server, from Debian's versioned directories. */
    public static Path serverBinaries() {
        Path root = Path.of("/usr/lib/postgresql");
        List<Path> found = new ArrayList<>();
        if (Files.isDirectory(root)) {
            try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root, p -> p.getFileName().toString()
                    .matches("\\d+") && Files.isExecutable(p.resolve("bin/initdb")))) {
                dirs.forEach(p -> found.add(p.resolve("bin")));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return found.stream().max(Comparator.comparingInt(p -> Integer.parseInt(p.getParent().getFileName()
                .toString()))).orElseThrow(() -> new IllegalStateException("No PostgreSQL server under " + root
                        + "/*/bin: install it (Debian: apt-get install postgresql)"));
    }

    private void init() throws IOException {
        Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createDirectories(data);
        Files.createDirectories(home);
        Path pwfile = home.resolve("pwfile");
        Files.writeString(pwfile, password + "\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(pwfile, PosixFilePermissions.fromString("rw-------"));
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwx------"));
        if (isRoot()) {
            UserPrincipal postgres = base.getFileSystem().getUserPrincipalLookupService()
                    .lookupPrincipalByName(OS_USER);
            for (Path p : List.of(data, home, pwfile)) {
                Files.setOwner(p, postgres);
            }
        }
        run(asServerUser(bin.resolve("initdb").toString(), "--pgdata=" + data, "--username=" + user,
                "--pwfile=" + pwfile, "--auth=scram-sha-256", "--encoding=UTF8", "--locale=C", "--no-sync"));
        Files.delete(pwfile);
        // Throwaway data: durability settings off for speed; TCP on loopback only, no socket.
        Files.writeString(data.resolve("postgresql.conf"), String.join("\n", "",
                "listen_addresses = '" + HOST + "'", "unix_socket_directories = ''", "fsync = off",
                "synchronous_commit = off", "full_page_writes = off", "max_connections = 30",
                "shared_buffers = 32MB", ""), StandardOpenOption.APPEND);
    }

    private void startServer() {
        for (int attempt = 1; ; attempt++) {
            port = freePort();
            try {
                start();
                return;
            } catch (IllegalStateException e) {
                // Another process may have taken the port between the probe and the start.
                if (attempt == 3) {
                    throw new IllegalStateException(e.getMessage() + "\nServer log:\n" + log(), e);
                }
            }
        }
    }

    /** Starts the server again on its port. */
    public void start() {
        run(asServerUser(bin.resolve("pg_ctl").toString(), "--pgdata=" + data, "--log=" + home.resolve("log"),
                "--wait", "--timeout=60", "-o", "-p " + port, "start"));
        running = true;
    }

    /** Stops the server cleanly (fast shutdown). */
    public void stop() {
        run(asServerUser(bin.resolve("pg_ctl").toString(), "--pgdata=" + data, "--mode=fast", "--wait", "stop"));
        running = false;
    }

    /** Stops the server at once, as a crash or a power cut would (immediate shutdown). */
    public void stopImmediately() {
        run(asServerUser(bin.resolve("pg_ctl").toString(), "--pgdata=" + data, "--mode=immediate", "--wait", "stop"));
        running = false;
    }

    /**
     * Holds an exclusive lock on a table until closed, from another session, so that a
     * {@code pg_dump} started meanwhile waits, mid-dump, for as long as a test needs.
     */
    public AutoCloseable holdLock(String table) {
        ProcessBuilder builder = new ProcessBuilder(clients.resolve("psql").toString(), "--no-psqlrc", "--quiet",
                "--host=" + HOST, "--port=" + port, "--username=" + user, "--dbname=" + database);
        builder.environment().put("PGPASSWORD", password);
        builder.redirectErrorStream(true);
        builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        try {
            Process psql = builder.start();
            java.io.OutputStream in = psql.getOutputStream();
            in.write(("BEGIN;\nLOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE;\n")
                    .getBytes(StandardCharsets.UTF_8));
            in.flush();
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
            while (!psql("SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = '"
                    + table.replaceAll(".*\\.", "") + "' AND l.mode = 'AccessExclusiveLock' AND l.granted")
                    .equals("1")) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("The lock on " + table + " was not taken");
                }
                Thread.sleep(50);
            }
            return () -> {
                psql.destroyForcibly();
                psql.waitFor();
            };
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Whether a session of the controller's programs is waiting for a lock. */
    public boolean controllerWaitsForLock() {
        return !psql("postgres", "SELECT count(*) FROM pg_stat_activity WHERE application_name ="
                + " 'pg-backup-controller' AND wait_event_type = 'Lock'").equals("0");
    }

    public boolean running() {
        return running;
    }

    public String host() {
        return HOST;
    }

    public int port() {
        return port;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    public String database() {
        return database;
    }

    public Path dataDirectory() {
        return data;
    }

    /** The server's log so far, for failure messages. */
    public String log() {
        try {
            return Files.readString(home.resolve("log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /**
     * The variables that describe this cluster as a service of the controller: host, port,
     * user, password and database under the service's prefix.
     */
    public Map<String, String> serviceEnvironment(String service) {
        String prefix = service.toUpperCase(Locale.ROOT).replace('-', '_') + "_";
        return Map.of(prefix + "POSTGRES_HOST", HOST, prefix + "POSTGRES_PORT", Integer.toString(port),
                prefix + "POSTGRES_USER", user, prefix + "POSTGRES_PASSWORD", password, prefix + "POSTGRES_DB",
                database, prefix + "PGDATA", data.toString());
    }

    /**
     * What a shell needs for the stock client programs to reach this cluster's database,
     * as an operator restoring by hand sets it: {@code PGHOST} ... {@code PGDATABASE}, and
     * {@code PATH} with the server's own programs first.
     */
    public Map<String, String> shellEnvironment() {
        return Map.of("PGHOST", HOST, "PGPORT", Integer.toString(port), "PGUSER", user, "PGPASSWORD", password,
                "PGDATABASE", database, "PATH", serverBinaries() + ":" + System.getenv("PATH"));
    }

    /** Runs SQL in the cluster's database and returns the unaligned, tuples-only output. */
    public String psql(String sql) {
        return psql(database, sql);
    }

    /** Runs SQL in a database and returns the unaligned, tuples-only output. */
    public String psql(String db, String sql) {
        ProcessBuilder builder = new ProcessBuilder(clients.resolve("psql").toString(), "--no-psqlrc", "--tuples-only",
                "--no-align", "--set=ON_ERROR_STOP=1", "--quiet", "--host=" + HOST, "--port=" + port,
                "--username=" + user, "--dbname=" + db, "--file=-");
        builder.environment().put("PGPASSWORD", password);
        return Exec.run(builder, sql).requireSuccess("psql").stdout().strip();
    }

    private List<String> asServerUser(String... command) {
        List<String> full = new ArrayList<>();
        if (isRoot()) {
            full.addAll(List.of("runuser", "-u", OS_USER, "--"));
        }
        full.addAll(List.of(command));
        return full;
    }

    private static void run(List<String> command) {
        ProcessBuilder builder = new ProcessBuilder(command);
        // The server must not inherit the test's working directory, which postgres may not read.
        builder.directory(Path.of("/").toFile());
        Exec.run(builder, null).requireSuccess(command.get(command.size() - 1));
    }

    static boolean isRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String quoteIdent(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    /** Stops the server if it runs, and removes every file of the cluster. */
    @Override
    public void close() {
        try {
            if (running) {
                stop();
            }
        } finally {
            deleteTree(base);
        }
    }

    /** Removes a directory and everything in it. */
    public static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
