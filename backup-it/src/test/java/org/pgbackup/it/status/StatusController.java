package org.pgbackup.it.status;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.pgbackup.it.ControllerProcess;
import org.pgbackup.it.PgCluster;
import org.pgbackup.it.Waiting;

/**
 * A controller running {@code start} with its status page against one real cluster: service
 * {@code app} (one database), {@code whole} (every other database of the cluster, among them two
 * with names that are HTML) and {@code broken} (a server that does not answer). Its
 * {@code pg_dump} lingers while the file {@link #slow()} exists, so a dump can be caught running.
 */
final class StatusController implements AutoCloseable {
    static final String READ_TOKEN = "read-token-7f3a9c2e51d04b68";
    static final String ADMIN_TOKEN = "admin-token-c81e0d4f9a2b7356";
    static final String SCRIPT_DB = "<script>alert(1)</script>";
    static final String IMG_DB = "\"><img src=x onerror=alert(1)>";
    static final String CLUSTER_PASSWORD = "olga-pw-secret";

    private final PgCluster cluster;
    private final Path root;
    private final Path slow;
    private final ControllerProcess.Background start;
    private final int port;
    private boolean ownsCluster;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private StatusController(PgCluster cluster, Path root, Path slow, ControllerProcess.Background start, int port) {
        this.cluster = cluster;
        this.root = root;
        this.slow = slow;
        this.start = start;
        this.port = port;
    }

    /**
     * A new cluster whose database {@code app} holds a table of {@code rows} rows, dumped and
     * served as {@link #start} does; {@link #close()} stops both.
     */
    static StatusController withNewCluster(Path work, int rows, Map<String, String> extra) throws IOException {
        PgCluster cluster = PgCluster.start("olga", CLUSTER_PASSWORD, "app");
        try {
            cluster.psql("CREATE TABLE t AS SELECT g, md5(g::text) AS h FROM generate_series(1, " + rows + ") g");
            StatusController status = start(cluster, work, extra);
            status.ownsCluster = true;
            return status;
        } catch (RuntimeException | IOException e) {
            cluster.close();
            throw e;
        }
    }

    /** Dumps every service once (broken fails), then starts the controller and waits for its page. */
    static StatusController start(PgCluster cluster, Path work, Map<String, String> extra) throws IOException {
        cluster.psql("postgres", "CREATE DATABASE \"" + SCRIPT_DB + "\"");
        cluster.psql("postgres", "CREATE DATABASE \"" + IMG_DB.replace("\"", "\"\"") + "\"");
        cluster.psql("postgres", "CREATE DATABASE shop");
        Path root = work.resolve("root");
        Path bin = Files.createDirectories(work.resolve("bin"));
        Path slow = work.resolve("slow");
        lingeringPgDump(bin, slow);
        Map<String, String> env = new HashMap<>(cluster.serviceEnvironment("app"));
        Map<String, String> whole = cluster.serviceEnvironment("whole");
        env.putAll(whole);
        env.put("WHOLE_POSTGRES_DB", "*");
        env.put("WHOLE_EXCLUDE_DATABASES", cluster.database());
        env.put("BROKEN_POSTGRES_HOST", "127.0.0.1");
        env.put("BROKEN_POSTGRES_PORT", Integer.toString(freePort()));
        env.put("BROKEN_POSTGRES_PASSWORD", "broken-secret-pw");
        env.put("DATABASE_LIST", "app,whole,broken");
        env.put("BACKUP_ROOT", root.toString());
        env.put("DATABASES_ROOT", work.resolve("databases").toString());
        env.put("PG_BIN_DIR", bin.toString());
        env.put("OPERATION_TIMEOUT", "60");
        ControllerProcess controller = ControllerProcess.fromSystemProperty();
        ControllerProcess.Run dump = controller.run(env, "dump", "--all");
        if (dump.exitCode() != 1 || !dump.stderr().contains("broken")) {
            throw new IllegalStateException("dump --all should fail for broken alone: " + dump);
        }
        int port = freePort();
        env.put("HTTP_PORT", Integer.toString(port));
        env.put("HTTP_READ_TOKEN", READ_TOKEN);
        env.put("HTTP_ADMIN_TOKEN", ADMIN_TOKEN);
        env.putAll(extra);
        Path output = Files.createDirectories(work.resolve("start"));
        ControllerProcess.Background background = controller.start(output, env, "start");
        StatusController status = new StatusController(cluster, root, slow, background, port);
        Waiting.until("the status page to come up", Duration.ofSeconds(60),
                () -> status.ready() || !background.alive(), background::log);
        if (!background.alive()) {
            throw new IllegalStateException("The controller ended before its page came up: " + background.log());
        }
        return status;
    }

    /** Whether the page answers and shows the archives listed at start. */
    private boolean ready() {
        try {
            HttpResponse<String> services = get("/api/v1/services", READ_TOKEN);
            return services.statusCode() == 200 && services.body().contains("\"newest\"");
        } catch (UncheckedIOException e) {
            return false;
        }
    }

    /** A pg_dump that dumps, then lingers while the file {@code slow} exists. */
    private static void lingeringPgDump(Path bin, Path slow) throws IOException {
        Path real = PgCluster.serverBinaries();
        for (String tool : new String[] {"psql", "pg_restore"}) {
            Files.createSymbolicLink(bin.resolve(tool), real.resolve(tool));
        }
        Path pgDump = bin.resolve("pg_dump");
        Files.writeString(pgDump, "#!/bin/sh\nif [ \"$1\" = --version ]; then exec '" + real.resolve("pg_dump")
                + "' --version; fi\n'" + real.resolve("pg_dump") + "' \"$@\" || exit $?\nwhile [ -e '" + slow
                + "' ]; do sleep 0.2; done\n");
        Files.setPosixFilePermissions(pgDump, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    int port() {
        return port;
    }

    Path root() {
        return root;
    }

    PgCluster cluster() {
        return cluster;
    }

    String log() {
        return start.log();
    }

    /** Makes the next dumps linger until {@link #release()}. */
    void hold() throws IOException {
        Files.writeString(slow, "");
    }

    void release() throws IOException {
        Files.deleteIfExists(slow);
    }

    HttpResponse<String> get(String path, String token) {
        return send(HttpRequest.newBuilder(uri(path)).GET(), Optional.ofNullable(token).map(t -> "Bearer " + t));
    }

    HttpResponse<String> post(String path, String token) {
        return send(HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.noBody()),
                Optional.ofNullable(token).map(t -> "Bearer " + t));
    }

    HttpResponse<String> send(HttpRequest.Builder request, Optional<String> authorization) {
        authorization.ifPresent(a -> request.header("Authorization", a));
        try {
            return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws IOException {
        release();
        start.terminate();
        start.waitFor(Duration.ofSeconds(30));
        start.close();
        if (ownsCluster) {
            cluster.close();
        }
    }
}
