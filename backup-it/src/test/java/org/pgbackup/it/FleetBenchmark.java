package org.pgbackup.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The fleet case of {@code bench/run --fleet}: how far one controller goes. N services on N
 * small databases spread over several throwaway servers, one {@code start} whose only slot
 * is a few seconds away, so that every service is due at once; for each N and
 * {@code BACKUP_PARALLELISM}, the slot's wall time (from the slot's second to the last
 * service's run line) and the controller's peak resident set, threads and open files,
 * sampled from {@code /proc} while it runs, with the same figures just before the slot.
 */
public final class FleetBenchmark {
    private static final String USER = "bench";
    private static final String PASSWORD = "Bench-Pa55-not-secret";
    private static final Pattern RUN_LINE = Pattern.compile(": run .* result=(\\w+)");
    private static final Duration SLOT_LIMIT = Duration.ofMinutes(40);
    private static final double SEED_GAP_SECONDS = 6 * 3600;

    private final Path repository;
    private final Path work;
    private final List<PgCluster> servers;

    private FleetBenchmark(Path repository, Path work, List<PgCluster> servers) {
        this.repository = repository;
        this.work = work;
        this.servers = servers;
    }

    /** What {@code /proc} showed of the controller: before the slot, and the peaks during it. */
    record Figures(long idleRssKib, int idleThreads, int idleFiles, long peakRssKib, int peakThreads, int peakFiles) {
    }

    /** One slot of one controller. */
    record Slot(int services, int parallelism, double seconds, Figures figures, Map<String, Integer> results,
            long archives) {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = BenchOptions.parse(args, Map.of("--sizes", "50,200,500", "--parallelism", "1,2,4",
                "--servers", "4", "--repository", "."), "--fleet");
        Path repository = Path.of(options.get("--repository")).toAbsolutePath().normalize();
        int[] sizes = numbers(options.get("--sizes"));
        int[] parallelism = numbers(options.get("--parallelism"));
        int serverCount = Integer.parseInt(options.get("--servers"));
        int largest = Arrays.stream(sizes).max().orElseThrow();
        Path work = Files.createTempDirectory("pgbackup-fleet-");
        List<PgCluster> servers = new ArrayList<>();
        try {
            for (int i = 0; i < serverCount; i++) {
                servers.add(PgCluster.start(USER, PASSWORD, "fleet_template"));
            }
            FleetBenchmark bench = new FleetBenchmark(repository, work, servers);
            bench.createDatabases(largest);
            List<Slot> slots = new ArrayList<>();
            for (int n : sizes) {
                for (int p : parallelism) {
                    slots.add(bench.slot(n, p));
                }
            }
            String report = report(slots, serverCount);
            System.out.println(report);
            Path file = repository.resolve("bench/results").resolve(LocalDate.now() + "-fleet.md");
            Files.createDirectories(file.getParent());
            Files.writeString(file, report);
            System.out.println("Written to " + repository.relativize(file));
        } finally {
            servers.forEach(PgCluster::close);
            PgCluster.deleteTree(work);
        }
    }

    private static int[] numbers(String list) {
        return Arrays.stream(list.split(",")).map(String::strip).mapToInt(Integer::parseInt).toArray();
    }

    private static String service(int i) {
        return String.format(Locale.ROOT, "fleet-%03d", i);
    }

    private static String database(int i) {
        return String.format(Locale.ROOT, "fleet_%03d", i);
    }

    private PgCluster serverOf(int i) {
        return servers.get(i % servers.size());
    }

    /** A small database per service, a copy of one template: a table of 2000 rows, a view, a sequence. */
    private void createDatabases(int count) {
        for (PgCluster server : servers) {
            server.psql("""
                    CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL, price numeric(10,2), at timestamptz);
                    INSERT INTO items SELECT g, 'item ' || md5(g::text), g * 1.25,
                        timestamptz '2025-01-01' + g * interval '1 minute' FROM generate_series(1, 2000) g;
                    CREATE VIEW cheap AS SELECT id, name FROM items WHERE price < 100;
                    CREATE SEQUENCE tickets;
                    """);
        }
        log("Creating " + count + " databases on " + servers.size() + " servers");
        for (int i = 0; i < count; i++) {
            serverOf(i).psql("postgres", "CREATE DATABASE " + database(i) + " TEMPLATE fleet_template");
        }
    }

    private Slot slot(int services, int parallelism) throws IOException, InterruptedException {
        Path root = work.resolve("root-" + services + "-" + parallelism);
        List<String> names = new ArrayList<>();
        Map<String, String> env = new HashMap<>();
        for (int i = 0; i < services; i++) {
            String name = service(i);
            names.add(name);
            env.putAll(serverOf(i).serviceEnvironment(name));
            env.put(name.toUpperCase(Locale.ROOT).replace('-', '_') + "_POSTGRES_DB", database(i));
        }
        // The one slot: far enough ahead for the controller to be up and idle when it comes.
        ZonedDateTime slot = ZonedDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS).plusSeconds(20);
        env.putAll(Map.of("MODE", "production", "TZ", "UTC", "DATABASE_LIST", String.join(",", names),
                "BACKUP_ROOT", root.toString(), "DATABASES_ROOT", root.resolve("databases").toString(), "HOOKS_DIR",
                root.resolve("hooks").toString(), "BACKUP_PARALLELISM", Integer.toString(parallelism),
                "BACKUP_SCHEDULE", slot.getSecond() + " " + slot.getMinute() + " " + slot.getHour() + " "
                        + slot.getDayOfMonth() + " " + slot.getMonthValue() + " *"));
        log(services + " services, BACKUP_PARALLELISM=" + parallelism + ": slot at " + slot.toLocalTime());
        ProcessBuilder builder = new ProcessBuilder(repository.resolve("controller").toString(), "start");
        builder.environment().putAll(env);
        builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        Process controller = builder.start();
        Map<String, Integer> results = new ConcurrentHashMap<>();
        CountDownLatch done = new CountDownLatch(services);
        AtomicReference<Instant> last = new AtomicReference<>();
        List<String> tail = java.util.Collections.synchronizedList(new ArrayList<>());
        Thread reader = new Thread(() -> readLog(controller, results, done, last, tail), "controller-log");
        reader.setDaemon(true);
        reader.start();
        try {
            Figures idle = null;
            long peakRss = 0;
            int peakThreads = 0;
            int peakFiles = 0;
            Instant deadline = slot.toInstant().plus(SLOT_LIMIT);
            while (!done.await(250, TimeUnit.MILLISECONDS)) {
                if (!controller.isAlive()) {
                    throw new IllegalStateException("The controller exited " + controller.exitValue() + ":\n"
                            + String.join("\n", tail));
                }
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("The slot did not finish within " + SLOT_LIMIT + ":\n"
                            + String.join("\n", tail));
                }
                long[] now = sample(controller.pid());
                if (Instant.now().isBefore(slot.toInstant())) {
                    idle = new Figures(now[0], (int) now[1], (int) now[2], 0, 0, 0);
                } else {
                    peakRss = Math.max(peakRss, now[3]);
                    peakThreads = Math.max(peakThreads, (int) now[1]);
                    peakFiles = Math.max(peakFiles, (int) now[2]);
                }
            }
            long[] end = sample(controller.pid());
            if (idle == null) {
                throw new IllegalStateException("The controller was not up before its slot");
            }
            Figures figures = new Figures(idle.idleRssKib(), idle.idleThreads(), idle.idleFiles(),
                    Math.max(peakRss, end[3]), Math.max(peakThreads, (int) end[1]), Math.max(peakFiles, (int) end[2]));
            double seconds = Duration.between(slot.toInstant(), last.get()).toMillis() / 1000.0;
            long archives = countArchives(root.resolve("data"));
            Slot result = new Slot(services, parallelism, seconds, figures, Map.copyOf(results), archives);
            log(String.format(Locale.ROOT, "  %.1f s, peak RSS %d MiB, %d threads, %d open files, results %s,"
                    + " %d archives", seconds, figures.peakRssKib() / 1024, figures.peakThreads(),
                    figures.peakFiles(), results, archives));
            return result;
        } finally {
            controller.destroy();
            if (!controller.waitFor(60, TimeUnit.SECONDS)) {
                controller.destroyForcibly();
            }
            reader.join(5000);
            PgCluster.deleteTree(root);
        }
    }

    private static void readLog(Process controller, Map<String, Integer> results, CountDownLatch done,
            AtomicReference<Instant> last, List<String> tail) {
        try (BufferedReader log = new BufferedReader(new InputStreamReader(controller.getErrorStream(),
                StandardCharsets.UTF_8))) {
            for (String line; (line = log.readLine()) != null;) {
                tail.add(line);
                if (tail.size() > 40) {
                    tail.remove(0);
                }
                Matcher run = RUN_LINE.matcher(line);
                if (run.find()) {
                    results.merge(run.group(1), 1, Integer::sum);
                    last.set(Instant.now());
                    done.countDown();
                }
            }
        } catch (IOException e) {
            // The controller was stopped.
        }
    }

    /** VmRSS, threads, open files and VmHWM (peak RSS) of a process, from {@code /proc}. */
    private static long[] sample(long pid) {
        ProcStatus status = ProcStatus.of(pid);
        return new long[] {status.rssKib(), status.threads(), status.files(), status.peakRssKib()};
    }

    private static long countArchives(Path data) throws IOException {
        if (!Files.isDirectory(data)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(data)) {
            return files.filter(p -> p.getFileName().toString().matches("file_.*\\.dump\\.zst")).count();
        }
    }

    private static String report(List<Slot> slots, int servers) {
        StringBuilder out = new StringBuilder("## Fleet benchmark, " + LocalDate.now() + "\n\n");
        out.append("`bench/run --fleet` on ").append(Runtime.getRuntime().availableProcessors()).append(" cores, ")
                .append(servers).append(" PostgreSQL ").append(PgCluster.serverBinaries().getParent().getFileName())
                .append(" servers on this machine, one database per service (2000 rows, a view, a sequence; about"
                        + " 8 MB each on the server), all on local storage. One `start` per row, its only slot a"
                        + " few seconds after it is up, so every service is due at once. Wall: from the slot's"
                        + " second to the last service's run line. RSS, threads and open files of the controller's"
                        + " JVM from `/proc`, sampled every 250 ms: idle (just before the slot) and peak (during"
                        + " it; RSS is the kernel's high-water mark).\n\n");
        out.append("| Services | `BACKUP_PARALLELISM` | Slot wall | Per service | Results | Archives | RSS idle → peak"
                + " | Threads idle → peak | Open files idle → peak |\n");
        out.append("| ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |\n");
        for (Slot s : slots) {
            Figures f = s.figures();
            out.append(String.format(Locale.ROOT, "| %d | %d | %.1f s | %.2f s | %s | %d | %d → %d MiB | %d → %d |"
                    + " %d → %d |%n", s.services(), s.parallelism(), s.seconds(), s.seconds() / s.services(),
                    s.results(), s.archives(), f.idleRssKib() / 1024, f.peakRssKib() / 1024, f.idleThreads(),
                    f.peakThreads(), f.idleFiles(), f.peakFiles()));
        }
        int largest = slots.stream().mapToInt(Slot::services).max().orElse(0);
        out.append("\n| Goal | Figure | Met |\n| --- | --- | --- |\n");
        for (Slot s : slots) {
            if (s.services() != largest) {
                continue;
            }
            long mib = s.figures().peakRssKib() / 1024;
            out.append(String.format(Locale.ROOT, "| %d services, p=%d: peak RSS ≤ 512 MiB | %d MiB | %s |%n",
                    s.services(), s.parallelism(), mib, mib <= 512 ? "yes" : "**no**"));
            out.append(String.format(Locale.ROOT, "| %d services, p=%d: the slot within the seed's 6-hour gap |"
                    + " %.1f s (%.2f %% of it) | %s |%n", s.services(), s.parallelism(), s.seconds(),
                    100 * s.seconds() / SEED_GAP_SECONDS, s.seconds() < SEED_GAP_SECONDS ? "yes" : "**no**"));
            out.append(String.format(Locale.ROOT, "| %d services, p=%d: every service stored once | %s, %d"
                    + " archives | %s |%n", s.services(), s.parallelism(), s.results(), s.archives(),
                    s.results().getOrDefault("ok", 0) == s.services() && s.archives() == s.services() ? "yes"
                            : "**no**"));
        }
        return out.toString();
    }

    private static void log(String line) {
        System.err.println("fleet: " + line);
    }
}
