package org.pgbackup.status;

import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;
import org.pgbackup.config.Configuration;
import org.pgbackup.config.StatusPageSettings;
import org.pgbackup.controller.ScheduledBackups;
import org.pgbackup.error.BackupException;
import org.pgbackup.error.StorageException;
import org.pgbackup.status.AccessTokens.Access;
import org.pgbackup.status.ServiceStatus.Status;
import org.tinylog.Logger;

/**
 * The status page and the HTTP API of {@code start}, on the JDK's HTTP server: {@code GET /},
 * {@code GET /services/<name>}, and JSON under {@code /api/v1} (services, archives, runs;
 * {@code POST /api/v1/services/<name>/dumps} to back one up now, {@code GET /api/v1/runs/<id>}
 * to follow it). Restores are not offered over HTTP: they replace a database, and deserve an
 * operator at a shell who confirms.
 *
 * <p>Every response carries a strict {@code Content-Security-Policy} (scripts and styles from
 * this server only, nothing inline) and {@code X-Content-Type-Options: nosniff}. Owns its
 * threads; {@link #close()} stops them.
 */
public final class StatusServer implements AutoCloseable {
    private static final Pattern SERVICE_PAGE = Pattern.compile("/services/([^/]+)");
    private static final Pattern SERVICE_API = Pattern.compile("/api/v1/services/([^/]+)(/archives|/runs|/dumps)?");
    private static final Pattern RUN_API = Pattern.compile("/api/v1/runs/([0-9a-f-]{36})");
    private static final String POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self';"
            + " connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";
    private static final String REALM = "realm=\"pg-backup-controller\"";
    /** For the answers that may wait on storage; four keep a slow one from holding up the rest. */
    private static final int THREADS = 4;

    private final HttpServer server;
    private final ExecutorService threads;
    private final StatusBoard board;
    private final ManualDumps dumps;
    private final AccessTokens tokens;
    private final Map<String, byte[]> assets;
    private final RenderedPages pages = new RenderedPages(System::nanoTime);

    private StatusServer(HttpServer server, ExecutorService threads, StatusBoard board, ManualDumps dumps,
            AccessTokens tokens) {
        this.server = server;
        this.threads = threads;
        this.board = board;
        this.dumps = dumps;
        this.tokens = tokens;
        this.assets = Map.of("/static/status.css", asset("status.css"), "/static/status.js", asset("status.js"));
    }

    /**
     * Starts serving.
     *
     * @param settings where, and the tokens
     * @param board what the page shows; a listener of {@code loop}
     * @param loop what runs a dump asked for over HTTP
     * @param metrics the handler of {@code /metrics} when the metrics share this port
     * @throws StorageException if the port cannot be opened
     */
    public static StatusServer start(StatusPageSettings settings, StatusBoard board, ScheduledBackups loop,
            Optional<HttpHandler> metrics, Clock clock) {
        requireNonNull(settings, "settings is null");
        AtomicInteger count = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(THREADS, r -> {
            Thread thread = new Thread(r, "status-http-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        // With no executor (below) the server's own thread reads every request, so a client that
        // sends half of one, or reads none of its answers, would hold up every other. These are the
        // JDK server's limits for that, in seconds: the request must arrive within 10, the answer
        // go out within 60, or the connection is closed. Read when its first server starts.
        System.getProperties().putIfAbsent("sun.net.httpserver.maxReqTime", "10");
        System.getProperties().putIfAbsent("sun.net.httpserver.maxRspTime", "60");
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(settings.address()), settings.port()),
                    64);
        } catch (IOException e) {
            threads.shutdownNow();
            throw new StorageException("Cannot serve the status page on " + settings.address() + ":" + settings.port()
                    + ": " + e.getMessage() + ". Pick a free port with HTTP_PORT", e);
        }
        AccessTokens tokens = new AccessTokens(settings.readToken(), settings.adminToken());
        StatusServer status = new StatusServer(server, threads, board, new ManualDumps(loop, board, clock), tokens);
        // No executor: the server's own thread calls the handlers, which pass on what may be slow.
        server.createContext("/", status::handle);
        metrics.ifPresent(handler -> server.createContext("/metrics", exchange -> threads.execute(() ->
                status.metrics(handler, exchange))));
        server.start();
        boolean loopback = server.getAddress().getAddress().isLoopbackAddress();
        if (tokens.readIsOpen() && !loopback) {
            Logger.warn("The status page and API on port {} are open to anyone who can reach it: set HTTP_READ_TOKEN,"
                    + " or HTTP_ADDRESS=127.0.0.1 behind a proxy that checks who comes in", status.port());
        }
        Logger.info("Serving the status page on port {} at / and its API at /api/v1 (read: {}, back up now: {})",
                status.port(), tokens.readIsOpen() ? "open" : "HTTP_READ_TOKEN", tokens.dumpsAllowed()
                        ? "HTTP_ADMIN_TOKEN" : "off");
        return status;
    }

    /** The port served, useful when it was chosen by the system. */
    public int port() {
        return server.getAddress().getPort();
    }

    private static byte[] asset(String name) {
        try (InputStream in = StatusServer.class.getResourceAsStream(name)) {
            return requireNonNull(in, name + " is missing from the jar").readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Answers from memory (the overview, the services of the API, the style sheet and the
     * script) come straight from the server's own thread: handing each to a pool costs more
     * than the answer, and at 200 requests a second that is the CPU a dump beside it loses.
     * The rest may list storage or start a dump, and go to the pool so that they hold up
     * nobody.
     */
    private void handle(HttpExchange exchange) {
        String path = exchange.getRequestURI().getPath();
        if (exchange.getRequestMethod().equals("GET") && (path.equals("/") || path.equals("/api/v1/services")
                || assets.containsKey(path))) {
            answer(exchange);
        } else {
            threads.execute(() -> answer(exchange));
        }
    }

    private void answer(HttpExchange exchange) {
        try (exchange) {
            exchange.getResponseHeaders().set("Content-Security-Policy", POLICY);
            exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
            exchange.getResponseHeaders().set("Referrer-Policy", "no-referrer");
            exchange.getResponseHeaders().set("X-Frame-Options", "DENY");
            try {
                route(exchange);
            } catch (IOException e) {
                // The client went away mid-answer: nobody is left to tell.
            } catch (RuntimeException e) {
                Logger.warn("The status page failed to answer {} {}: {}", exchange.getRequestMethod(),
                        exchange.getRequestURI().getRawPath(), e.toString());
                answerFailure(exchange);
            }
        }
    }

    private void metrics(HttpHandler handler, HttpExchange exchange) {
        try (exchange) {
            handler.handle(exchange);
        } catch (IOException | RuntimeException e) {
            Logger.warn("Serving /metrics failed: {}", e.toString());
        }
    }

    /** The cause stays in the log: whoever asked learns only that it failed. */
    private static void answerFailure(HttpExchange exchange) {
        try {
            fail(exchange, exchange.getRequestURI().getPath().startsWith("/api/"), 500,
                    "The controller failed to answer; its log says why");
        } catch (IOException | RuntimeException alreadyAnswering) {
            // Headers went out before the failure: closing the exchange is all that is left.
        }
    }

    private void route(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        byte[] asset = assets.get(path);
        if (asset != null) {
            exchange.getResponseHeaders().set("Cache-Control", "max-age=3600");
            send(exchange, 200, path.endsWith(".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8",
                    asset);
            return;
        }
        boolean api = path.startsWith("/api/");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        if (method.equals("POST")) {
            post(exchange, path);
            return;
        }
        if (!method.equals("GET") && !method.equals("HEAD")) {
            exchange.getResponseHeaders().set("Allow", "GET, HEAD, POST");
            fail(exchange, api, 405, "Method not allowed");
            return;
        }
        if (!tokens.readIsOpen() && tokens.of(exchange.getRequestHeaders().getFirst("Authorization")) == Access.NONE) {
            unauthorized(exchange, api);
            return;
        }
        Configuration config = board.configuration();
        if (path.equals("/")) {
            Map<String, String> query = query(exchange);
            Optional<Status> filter = Optional.ofNullable(query.get("status")).flatMap(StatusServer::status);
            OverviewPage.Order order = OverviewPage.Order.parse(Optional.ofNullable(query.get("sort")));
            send(exchange, "text/html; charset=utf-8", pages.get(filter.map(Status::label).orElse("all") + "/" + order,
                    () -> OverviewPage.render(board.statuses(), filter, order, board.now(), config.zone())
                            .getBytes(StandardCharsets.UTF_8)));
            return;
        }
        Matcher page = SERVICE_PAGE.matcher(path);
        if (page.matches() && config.serviceNames().contains(page.group(1))) {
            String service = page.group(1);
            List<ServiceStatus> rows = board.statuses(service);
            html(exchange, 200, ServicePage.render(rows, board.fresh(service), board.controller().runLog(service),
                    tokens.dumpsAllowed(), board.now(), config.zone()));
            return;
        }
        if (path.equals("/api/v1/services")) {
            send(exchange, "application/json", pages.get("api", () -> ApiJson.of(json -> ApiJson.services(json,
                    board.statuses()))));
            return;
        }
        Matcher serviceApi = SERVICE_API.matcher(path);
        if (serviceApi.matches() && config.serviceNames().contains(serviceApi.group(1))
                && !"/dumps".equals(serviceApi.group(2))) {
            serviceApi(exchange, serviceApi.group(1), Optional.ofNullable(serviceApi.group(2)).orElse(""));
            return;
        }
        Matcher run = RUN_API.matcher(path);
        if (run.matches()) {
            Optional<ManualDumps.ManualRun> found = dumps.get(run.group(1));
            if (found.isPresent()) {
                ServiceState state = board.fresh(found.get().service());
                json(exchange, 200, ApiJson.of(json -> ApiJson.manualRun(json, found.get(), state.running())));
                return;
            }
        }
        fail(exchange, api, 404, "Not found");
    }

    private void serviceApi(HttpExchange exchange, String service, String part) throws IOException {
        try {
            switch (part) {
                case "/archives" -> {
                    ServiceState state = board.fresh(service);
                    json(exchange, 200, ApiJson.of(json -> ApiJson.archives(json, state.listing()
                            .map(l -> l.archives()).orElse(List.of()), state.listing()
                            .map(l -> l.unreadableDestinations()).orElse(Map.of()))));
                }
                case "/runs" -> json(exchange, 200, ApiJson.of(json -> ApiJson.runs(json,
                        board.controller().runLog(service))));
                default -> json(exchange, 200, ApiJson.of(json -> ApiJson.services(json, board.statuses(service))));
            }
        } catch (BackupException e) {
            fail(exchange, true, 500, e.getMessage().lines().findFirst().orElse(""));
        }
    }

    private void post(HttpExchange exchange, String path) throws IOException {
        Matcher matcher = SERVICE_API.matcher(path);
        if (!matcher.matches() || !"/dumps".equals(matcher.group(2))) {
            exchange.getResponseHeaders().set("Allow", "GET, HEAD");
            fail(exchange, true, 405, "Only POST /api/v1/services/<name>/dumps takes a POST");
            return;
        }
        if (!tokens.dumpsAllowed()) {
            fail(exchange, true, 403, "Starting dumps over HTTP is off: set HTTP_ADMIN_TOKEN to turn it on");
            return;
        }
        Access access = tokens.of(exchange.getRequestHeaders().getFirst("Authorization"));
        if (access == Access.NONE) {
            unauthorized(exchange, true);
            return;
        }
        if (access != Access.ADMIN) {
            fail(exchange, true, 403, "Starting a dump needs the admin token (HTTP_ADMIN_TOKEN)");
            return;
        }
        String service = matcher.group(1);
        if (!board.configuration().serviceNames().contains(service)) {
            fail(exchange, true, 404, "No service named " + service);
            return;
        }
        Optional<ManualDumps.ManualRun> run = dumps.start(service);
        if (run.isEmpty()) {
            fail(exchange, true, 409, "A dump of " + service + " is running; follow it on the status page");
            return;
        }
        exchange.getResponseHeaders().set("Location", "/api/v1/runs/" + run.get().id());
        json(exchange, 202, ApiJson.of(json -> ApiJson.manualRun(json, run.get(), Optional.empty())));
    }

    private static Optional<Status> status(String text) {
        for (Status status : Status.values()) {
            if (status.label().equals(text)) {
                return Optional.of(status);
            }
        }
        return Optional.empty();
    }

    private static Map<String, String> query(HttpExchange exchange) {
        String raw = exchange.getRequestURI().getRawQuery();
        Map<String, String> query = new HashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int equals = pair.indexOf('=');
                if (equals > 0) {
                    query.put(URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return query;
    }

    private void unauthorized(HttpExchange exchange, boolean api) throws IOException {
        // A browser shows its own login for Basic; the token goes in the password field.
        exchange.getResponseHeaders().set("WWW-Authenticate", api ? "Bearer " + REALM : "Basic " + REALM
                + ", charset=\"UTF-8\"");
        fail(exchange, api, 401, "A valid token is needed, as an Authorization: Bearer header");
    }

    private static void fail(HttpExchange exchange, boolean api, int code, String message) throws IOException {
        if (api) {
            json(exchange, code, ApiJson.error(message));
        } else {
            send(exchange, code, "text/plain; charset=utf-8", (message + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    private static void html(HttpExchange exchange, int code, String page) throws IOException {
        send(exchange, code, "text/html; charset=utf-8", page.getBytes(StandardCharsets.UTF_8));
    }

    private static void json(HttpExchange exchange, int code, byte[] body) throws IOException {
        send(exchange, code, "application/json", body);
    }

    private static void send(HttpExchange exchange, int code, String type, byte[] body) throws IOException {
        send(exchange, code, type, new RenderedPages.Page(0, body, gzip(body)));
    }

    /** A page as rendered in the last second: at 200 requests a second it is drawn about once. */
    private static void send(HttpExchange exchange, String type, RenderedPages.Page page) throws IOException {
        send(exchange, 200, type, page);
    }

    static byte[] gzip(byte[] body) {
        if (body.length <= 1024) {
            return body;
        }
        ByteArrayOutputStream zipped = new ByteArrayOutputStream(body.length / 4);
        try (GZIPOutputStream gzip = new GZIPOutputStream(zipped)) {
            gzip.write(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return zipped.toByteArray();
    }

    private static void send(HttpExchange exchange, int code, String type, RenderedPages.Page page) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        String accepts = exchange.getRequestHeaders().getFirst("Accept-Encoding");
        byte[] sent = page.plain();
        if (page.gzip() != page.plain() && accepts != null && accepts.contains("gzip")) {
            sent = page.gzip();
            exchange.getResponseHeaders().set("Content-Encoding", "gzip");
        }
        exchange.getResponseHeaders().set("Vary", "Accept-Encoding, Authorization");
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(code, head ? -1 : sent.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(sent);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
        dumps.close();
    }
}
