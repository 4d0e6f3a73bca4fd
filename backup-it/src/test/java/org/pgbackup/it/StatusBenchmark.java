package org.pgbackup.it;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * {@code bench/run --status}: the status page's figures on this machine. One controller's
 * {@code start} with 500 small services and a big one on a real cluster: how long the
 * overview takes and how large it is; the controller's memory with the page served under
 * 200 requests a second against one that serves nothing; and a dump of the big service with
 * and without that load beside it. Written to {@code bench/results/<date>-status.md}.
 */
public final class StatusBenchmark {
    private static final String USER = "bench";
    private static final String PASSWORD = "Bench-Pa55-not-secret";
    private static final String READ = "bench-read-token-0123456789";
    private static final String ADMIN = "bench-admin-token-0123456789";
    private static final Pattern CONTENT_LENGTH = Pattern.compile("(?im)^content-length: *(\\d+)");

    private final Path repository;
    private final Path work;
    private final PgCluster server;
    private final int services;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final List<String> report = new ArrayList<>();

    private StatusBenchmark(Path repository, Path work, PgCluster server, int services) {
        this.repository = repository;
        this.work = work;
        this.server = server;
        this.services = services;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = BenchOptions.parse(args, Map.of("--services", "500", "--big-rows", "10000000",
                "--repository", ".", "--pairs", "10"), "--status");
        Path repository = Path.of(options.get("--repository")).toAbsolutePath().normalize();
        Path work = Files.createTempDirectory("pgbackup-status-");
        PgCluster server = PgCluster.start(USER, PASSWORD, "status_template");
        try {
            StatusBenchmark bench = new StatusBenchmark(repository, work, server,
                    Integer.parseInt(options.get("--services")));
            bench.createDatabases(Integer.parseInt(options.get("--big-rows")));
            bench.run(Integer.parseInt(options.get("--pairs")));
            String text = String.join("\n", bench.report) + "\n";
            System.out.println(text);
            Path file = repository.resolve("bench/results").resolve(LocalDate.now() + "-status.md");
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
            System.out.println("Written to " + repository.relativize(file));
        } finally {
            server.close();
            PgCluster.deleteTree(work);
        }
    }

    private static String service(int i) {
        return String.format(Locale.ROOT, "svc-%03d", i);
    }

    private void createDatabases(int bigRows) {
        server.psql("""
                CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL, price numeric(10,2), at timestamptz);
                INSERT INTO items SELECT g, 'item ' || md5(g::text), g * 1.25,
                    timestamptz '2025-01-01' + g * interval '1 minute' FROM generate_series(1, 500) g;
                """);
        log("Creating " + services + " small databases and one of " + bigRows + " rows");
        for (int i = 0; i < services; i++) {
            server.psql("postgres", "CREATE DATABASE " + service(i).replace('-', '_') + " TEMPLATE status_template");
        }
        server.psql("postgres", "CREATE DATABASE big");
        server.psql("big", "CREATE TABLE big AS SELECT g AS id, md5(g::text) || md5((g * 7)::text) AS body,"
                + " timestamptz '2025-01-01' + g * interval '1 second' AS at FROM generate_series(1, " + bigRows + ") g");
    }

    private Map<String, String> env(Path root) {
        Map<String, String> env = new HashMap<>();
        List<String> names = new ArrayList<>(List.of("big"));
        env.putAll(server.serviceEnvironment("big"));
        env.put("BIG_POSTGRES_DB", "big");
        for (int i = 0; i < services; i++) {
            String name = service(i);
            names.add(name);
            env.putAll(server.serviceEnvironment(name));
            env.put(name.toUpperCase(Locale.ROOT).replace('-', '_') + "_POSTGRES_DB", name.replace('-', '_'));
        }
        env.putAll(Map.of("TZ", "UTC", "DATABASE_LIST", String.join(",", names), "BACKUP_ROOT", root.toString(),
                "DATABASES_ROOT", root.resolve("databases").toString(), "HOOKS_DIR", root.resolve("hooks").toString(),
                "BACKUP_PARALLELISM", "4"));
        return env;
    }

    private Process controller(Map<String, String> env, Path log, String... arguments) throws IOException {
        List<String> command = new ArrayList<>(List.of(repository.resolve("controller").toString()));
        command.addAll(Arrays.asList(arguments));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(env);
        builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.redirectError(log.toFile());
        return builder.start();
    }

    private void run(int pairs) throws Exception {
        Path root = work.resolve("root");
        Map<String, String> env = env(root);
        log("Dumping " + (services + 1) + " services once");
        Process dump = controller(env, work.resolve("dump.log"), "dump", "--all");
        if (dump.waitFor() != 0) {
            throw new IllegalStateException("dump --all failed: " + Files.readString(work.resolve("dump.log")));
        }
        // Without the page: start with no port at all, idle once every service is listed.
        Process plain = controller(env, work.resolve("plain.log"), "start");
        awaitLog(work.resolve("plain.log"), "Waiting for a stop signal", plain);
        Thread.sleep(5000);
        ProcStatus without = ProcStatus.of(plain.pid());
        stop(plain);
        log(String.format(Locale.ROOT, "Without the page: RSS %d MiB", without.rssKib() / 1024));

        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Map<String, String> served = new HashMap<>(env);
        served.putAll(Map.of("HTTP_PORT", Integer.toString(port), "HTTP_ADDRESS", "127.0.0.1", "HTTP_READ_TOKEN", READ,
                "HTTP_ADMIN_TOKEN", ADMIN));
        Process page = controller(served, work.resolve("page.log"), "start");
        try {
            URI overview = URI.create("http://127.0.0.1:" + port + "/");
            awaitLog(work.resolve("page.log"), "Waiting for a stop signal", page);
            Thread.sleep(5000);
            ProcStatus idle = ProcStatus.of(page.pid());
            for (int i = 0; i < 100; i++) {
                get(overview, false);
            }
            ProcStatus warm = ProcStatus.of(page.pid());
            // A page is drawn at most once a second and kept for the others; each sample waits that out,
            // so that every one is a drawing, not a copy.
            long[] nanos = new long[40];
            for (int i = 0; i < nanos.length; i++) {
                Thread.sleep(1050);
                long begin = System.nanoTime();
                HttpResponse<byte[]> answer = get(overview, false);
                nanos[i] = System.nanoTime() - begin;
                check(answer);
            }
            Arrays.sort(nanos);
            ProcStatus drawn = ProcStatus.of(page.pid());
            log(String.format(Locale.ROOT, "Peak RSS: idle %d MiB, after 100 overviews %d MiB, after 40 drawings %d MiB",
                    idle.peakRssKib() / 1024, warm.peakRssKib() / 1024, drawn.peakRssKib() / 1024));
            HttpResponse<byte[]> raw = get(overview, false);
            HttpResponse<byte[]> zipped = get(overview, true);
            int rows = count(new String(raw.body(), java.nio.charset.StandardCharsets.UTF_8), "<tr class=");
            log(String.format(Locale.ROOT, "Overview of %d rows: median %.1f ms, 95th %.1f ms; %.1f KiB, %.1f KiB"
                    + " gzip", rows, nanos[20] / 1e6, nanos[38] / 1e6, raw.body().length / 1024.0,
                    zipped.body().length / 1024.0));
            double controllerCpu = cpuSeconds(page.pid());
            Load load = load(overview, Duration.ofSeconds(10));
            ProcStatus loaded = ProcStatus.of(page.pid());
            controllerCpu = cpuSeconds(page.pid()) - controllerCpu;
            log(String.format(Locale.ROOT, "CPU of the controller over those 10 s: %.2f s", controllerCpu));
            log(String.format(Locale.ROOT, "200 requests a second for 10 s: %d answered, %d wrong; RSS idle %d MiB,"
                    + " after %d MiB, peak %d MiB", load.answered, load.wrong, idle.rssKib() / 1024,
                    loaded.rssKib() / 1024, loaded.peakRssKib() / 1024));
            // Flat, not growing: the same load again, and the resident set where it was.
            double warmCpu = cpuSeconds(page.pid());
            Load again = load(overview, Duration.ofSeconds(10));
            ProcStatus twice = ProcStatus.of(page.pid());
            warmCpu = cpuSeconds(page.pid()) - warmCpu;
            log(String.format(Locale.ROOT, "Another 10 s: %d answered, %d wrong; RSS %d MiB, peak %d MiB",
                    again.answered, again.wrong, twice.rssKib() / 1024, twice.peakRssKib() / 1024));

            // The dumps below meet the controller as it runs for days: its server compiled by the JIT,
            // which takes about half a minute of load. The first 10 s above show the cost before that.
            load(overview, Duration.ofSeconds(20));
            double steadyCpu = cpuSeconds(page.pid());
            Load steady = load(overview, Duration.ofSeconds(10));
            ProcStatus minute = ProcStatus.of(page.pid());
            steadyCpu = cpuSeconds(page.pid()) - steadyCpu;
            log(String.format(Locale.ROOT, "After a minute of it: CPU %.2f s over 10 s, RSS %d MiB", steadyCpu,
                    minute.rssKib() / 1024));

            List<Double> quiet = new ArrayList<>();
            List<Double> busy = new ArrayList<>();
            int besideAnswered = 0;
            int besideWrong = 0;
            for (int i = 0; i < pairs; i++) {
                // Every other pair the loaded dump goes first, so that what a second dump in a row
                // gains or loses (caches, retention's work) falls on both sides alike.
                boolean loadedFirst = i % 2 == 1;
                if (!loadedFirst) {
                    quiet.add(dumpBig(port));
                }
                ExecutorService background = Executors.newSingleThreadExecutor();
                Future<Load> during = background.submit(() -> load(overview, Duration.ofSeconds(600)));
                Thread.sleep(500);
                busy.add(dumpBig(port));
                background.shutdownNow();
                Load busyLoad = during.get();
                besideAnswered += busyLoad.answered;
                besideWrong += busyLoad.wrong;
                if (loadedFirst) {
                    quiet.add(dumpBig(port));
                }
                log(String.format(Locale.ROOT, "  dump of big: %.2f s quiet, %.2f s beside %d requests (%d wrong)",
                        quiet.get(i), busy.get(i), busyLoad.answered, busyLoad.wrong));
            }
            double quietMedian = median(quiet);
            double busyMedian = median(busy);
            report.add("# Status page benchmark, " + LocalDate.now());
            report.add("");
            report.add("`bench/run --status` on " + Runtime.getRuntime().availableProcessors() + " cores: one"
                    + " controller's `start` with " + (services + 1) + " services (" + services + " small databases"
                    + " and `big`) on one real cluster, the page on 127.0.0.1 with a read token. The dumps beside the load"
                    + " come after a minute of it, as a controller that has served its page for a while meets them. Latencies are"
                    + " measured at the client over loopback, so they include the HTTP exchange; the load is `curl --rate 200/s`"
                    + ", one request at a time, every answer checked in full.");
            report.add("");
            report.add("| Figure | Goal | Measured |");
            report.add("| --- | --- | --- |");
            report.add(String.format(Locale.ROOT, "| Overview of %d rows, drawn, median (95th) of 40 | <= 50 ms | %.1f ms (%.1f ms) |",
                    rows, nanos[20] / 1e6, nanos[38] / 1e6));
            report.add(String.format(Locale.ROOT, "| Overview size, as sent with gzip (plain) | <= 100 KiB | %.1f KiB"
                    + " (%.1f KiB) |", zipped.body().length / 1024.0, raw.body().length / 1024.0));
            report.add(String.format(Locale.ROOT, "| RSS with the page served minus RSS of `start` serving nothing"
                    + " (%d MiB), after 10 s, 20 s and a minute of 200 req/s | <= 16 MiB | %s, %s, %s MiB |",
                    without.rssKib() / 1024, over(loaded, without), over(twice, without), over(minute, without)));
            report.add(String.format(Locale.ROOT, "| Peak RSS of `start` with the page through that minute (without);"
                    + " the peak reached before the first request | | %d MiB (%d MiB); %d MiB |", minute.peakRssKib() / 1024,
                    without.peakRssKib() / 1024, idle.peakRssKib() / 1024));
            report.add(String.format(Locale.ROOT, "| Requests answered correctly at 200 req/s for 2 x 10 s, 10 s after a"
                    + " minute, and beside the dumps | all | %d of %d |", load.answered - load.wrong + again.answered
                    - again.wrong + steady.answered - steady.wrong + besideAnswered - besideWrong, load.answered + again.answered
                    + steady.answered + besideAnswered));
            report.add(String.format(Locale.ROOT, "| CPU of the controller per 10 s of it (per request): the first,"
                    + " the second, the sixth | | %.2f s (%.2f ms), %.2f s (%.2f ms), %.2f s (%.2f ms) |", controllerCpu,
                    controllerCpu * 1000 / Math.max(1, load.answered), warmCpu, warmCpu * 1000
                    / Math.max(1, again.answered), steadyCpu, steadyCpu * 1000 / Math.max(1, steady.answered)));
            report.add(String.format(Locale.ROOT, "| Dump of `big` beside 200 req/s, against without (median of %d) |"
                    + " <= 1.05 | %.3f (%.2f s / %.2f s) |", pairs, busyMedian / quietMedian, busyMedian, quietMedian));
        } finally {
            stop(page);
        }
    }

    /** How far a resident set is over another, in MiB with one decimal and a sign. */
    private static String over(ProcStatus with, ProcStatus without) {
        return String.format(Locale.ROOT, "%+.1f", (with.rssKib() - without.rssKib()) / 1024.0);
    }

    /** User and system CPU of a process so far, from {@code /proc/<pid>/stat}. */
    private static double cpuSeconds(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** Dumps {@code big} through the API and returns the run's own time, start to finish, in seconds. */
    private double dumpBig(int port) throws Exception {
        HttpRequest post = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/services/big/dumps"))
                .header("Authorization", "Bearer " + ADMIN).POST(HttpRequest.BodyPublishers.noBody()).build();
        HttpResponse<String> started = http.send(post, HttpResponse.BodyHandlers.ofString());
        if (started.statusCode() != 202) {
            throw new IllegalStateException("POST gave " + started.statusCode() + ": " + started.body());
        }
        URI run = URI.create("http://127.0.0.1:" + port + JsonField.of(started.body(), "href"));
        while (true) {
            Thread.sleep(100);
            String state = http.send(HttpRequest.newBuilder(run).header("Authorization", "Bearer " + READ).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            if (!JsonField.of(state, "state").equals("running")) {
                if (!JsonField.of(state, "state").equals("ok")) {
                    throw new IllegalStateException("The dump of big ended " + state);
                }
                return Duration.between(Instant.parse(JsonField.of(state, "started")), Instant.parse(JsonField.of(state, "finished")))
                        .toMillis() / 1000.0;
            }
        }
    }


    record Load(int answered, int wrong) {
    }

    /**
     * Requests the overview 200 times a second with {@code curl --rate} (a light client, so that
     * the load is the controller's, not the generator's), until the time is up or the thread is
     * interrupted; then checks every answer in full. The answers, headers included, go one after
     * another into one file, unbuffered ({@code -N}) so that none is lost when curl is stopped: a
     * file per answer cost a dump beside it 8 % on its own, in creating 200 files a second.
     */
    private Load load(URI overview, Duration length) throws IOException, InterruptedException {
        Path answers = Files.createTempFile(work, "answers-", "");
        Path header = work.resolve("headers");
        Files.writeString(header, "Authorization: Bearer " + READ + "\nAccept-Encoding: gzip\n");
        long count = length.toSeconds() * 200;
        Process curl = new ProcessBuilder("curl", "-N", "-s", "-i", "--rate", "200/s", "-H", "@" + header,
                overview + "?n=[1-" + count + "]").redirectOutput(answers.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            curl.waitFor();
        } catch (InterruptedException e) {
            // Stopped: the dump beside it is over.
        } finally {
            curl.destroy();
            curl.waitFor(10, TimeUnit.SECONDS);
        }
        byte[] all = Files.readAllBytes(answers);
        Files.delete(answers);
        byte[] end = "\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        int answered = 0;
        int wrong = 0;
        int at = 0;
        while (true) {
            int body = indexOf(all, end, at) + 4;
            if (body < 4) {
                break;
            }
            String head = new String(all, at, body - at, java.nio.charset.StandardCharsets.US_ASCII);
            Matcher declared = CONTENT_LENGTH.matcher(head);
            if (!declared.find()) {
                wrong++;
                break;
            }
            int size = Integer.parseInt(declared.group(1));
            // The last answer may have been cut off by the stop itself: it is not counted.
            if (body + size > all.length) {
                break;
            }
            answered++;
            try (GZIPInputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(all, body, size))) {
                String page = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                if (!head.startsWith("HTTP/1.1 200") || !page.contains(">" + service(services - 1) + "</a>")
                        || !page.contains(">big</a>") || !page.endsWith("</html>")) {
                    wrong++;
                }
            } catch (IOException e) {
                wrong++;
            }
            at = body + size;
        }
        return new Load(answered, wrong);
    }

    private void check(HttpResponse<byte[]> answer) {
        String body = new String(answer.body(), java.nio.charset.StandardCharsets.UTF_8);
        if (answer.statusCode() != 200 || !body.contains(">" + service(services - 1) + "</a>") || !body.contains(">big</a>")
                || !body.endsWith("</html>")) {
            throw new IllegalStateException("a wrong overview: " + answer.statusCode());
        }
    }

    private static int indexOf(byte[] bytes, byte[] part, int from) {
        outer:
        for (int i = from; i + part.length <= bytes.length; i++) {
            for (int j = 0; j < part.length; j++) {
                if (bytes[i + j] != part[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -4;
    }

    private HttpResponse<byte[]> get(URI uri, boolean gzip) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + READ)
                .timeout(Duration.ofSeconds(30));
        if (gzip) {
            request.header("Accept-Encoding", "gzip");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    private static void awaitLog(Path log, String line, Process process) throws IOException, InterruptedException {
        long until = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (!Files.readString(log).contains(line)) {
            if (!process.isAlive() || System.nanoTime() > until) {
                throw new IllegalStateException("The controller did not get to '" + line + "': " + Files.readString(log));
            }
            Thread.sleep(200);
        }
    }

    private static void stop(Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    private static void log(String line) {
        System.err.println("[" + java.time.LocalTime.now().withNano(0) + "] " + line);
    }
}
