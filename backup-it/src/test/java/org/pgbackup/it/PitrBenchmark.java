package org.pgbackup.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Point-in-time recovery's benchmark ({@code bench/run --pitr}), each case beside what an
 * operator would do by hand on the same data in the same run: (j) a base backup against bare
 * {@code pg_basebackup -Ft -D - -X none | zstd -1}; (k) WAL archiving under {@code pgbench} at
 * full speed: the lag when the load stops, the controller's CPU and its memory against the same
 * controller with nothing to stream; (l) a restore to a point in time, started and promoted,
 * against the same restore by hand (decompress the base backup and the WAL, write the recovery
 * settings, {@code pg_ctl start}, wait for promotion). Written to
 * {@code bench/results/<date>-pitr.md}.
 */
public final class PitrBenchmark {
    private static final String SERVICE = "bench";
    private static final long SEGMENT = 16L * 1024 * 1024;

    private final Path repository;
    private final Path work;
    private final int runs;
    private final PgCluster cluster;

    private PitrBenchmark(Path repository, Path work, int runs, PgCluster cluster) {
        this.repository = repository;
        this.work = work;
        this.runs = runs;
        this.cluster = cluster;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = BenchOptions.parse(args, Map.of("--scale", "20", "--runs", "3", "--seconds",
                "60", "--repository", "."), "--pitr");
        Path repository = Path.of(options.get("--repository")).toAbsolutePath().normalize();
        Path work = Files.createTempDirectory("pgbackup-bench-pitr-");
        // The restored servers run as the server's OS user, who must reach their directories.
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (PgCluster cluster = PgCluster.start(Benchmark.USER, Benchmark.PASSWORD, SERVICE)) {
            PitrBenchmark bench = new PitrBenchmark(repository, work, Integer.parseInt(options.get("--runs")),
                    cluster);
            String report = bench.run(Integer.parseInt(options.get("--scale")),
                    Integer.parseInt(options.get("--seconds")));
            System.out.println(report);
            Path file = Files.createDirectories(repository.resolve("bench/results"))
                    .resolve(LocalDate.now() + "-pitr.md");
            Files.writeString(file, report);
            System.out.println("Written to " + repository.relativize(file));
        } finally {
            PgCluster.deleteTree(work);
        }
    }

    private String run(int scale, int seconds) throws Exception {
        Benchmark.log("pgbench -i -s " + scale);
        pgbench("-i", "-s", Integer.toString(scale), "--quiet");
        cluster.psql("CHECKPOINT");
        String size = cluster.psql("SELECT pg_size_pretty(pg_database_size('" + SERVICE + "'))");
        Path root = work.resolve("root");

        // (j) base backups: the controller's into the backup root, the bare pipeline into a file.
        Path bareFile = work.resolve("bare.tar.zst");
        List<String> bare = List.of("bash", "-c", "set -o pipefail; '" + bin("pg_basebackup") + "' --host="
                + cluster.host() + " --port=" + cluster.port() + " --username=" + Benchmark.USER + " --pgdata=-"
                + " --format=tar --wal-method=none --checkpoint=fast | zstd -1 -q > '" + bareFile + "'");
        // In turn, bare then controller, so that the machine's drift over the runs falls on both alike: the ratio
        // is the median of the pairs' ratios.
        List<Benchmark.Sample> bareSamples = new ArrayList<>();
        List<Benchmark.Sample> controllerSamples = new ArrayList<>();
        double[] pairs = new double[runs];
        for (int i = 0; i < runs; i++) {
            bareSamples.add(Benchmark.measureOnce(work, new Benchmark.Command(bare, new HashMap<>()),
                    () -> Benchmark.sizeOf(bareFile)));
            controllerSamples.add(Benchmark.measureOnce(work, controller(root, "basebackup", SERVICE),
                    () -> newestBaseBackupSize(root)));
            pairs[i] = controllerSamples.get(i).seconds() / bareSamples.get(i).seconds();
        }
        Benchmark.Result bareBase = Benchmark.Result.median(bareSamples);
        Benchmark.Result controllerBase = Benchmark.Result.median(controllerSamples);
        double baseRatio = Benchmark.Result.medianOf(pairs.clone());
        Benchmark.log(String.format(Locale.ROOT, "(j) bare %.2f s, controller %.2f s (medians); pairs %s, median"
                + " %.2f", bareBase.seconds(), controllerBase.seconds(), ratios(pairs), baseRatio));

        // (k) WAL archiving under pgbench at full speed.
        Streaming streaming = stream(root, seconds);

        // (l) a restore to a point in time: the middle of (k)'s load.
        String target = streaming.middle();
        String segment = cluster.psql("SELECT pg_walfile_name(pg_switch_wal())");
        runOnce(controller(root, "start"), root, segment);
        Path servers = Files.createDirectories(work.resolve("servers"));
        if (PgCluster.isRoot()) {
            Files.setOwner(servers, servers.getFileSystem().getUserPrincipalLookupService()
                    .lookupPrincipalByName("postgres"));
        }
        int[] n = {0};
        Benchmark.Result controllerRestore = measureRestore("l controller", servers, n, dir -> controller(root,
                "restore-pitr", SERVICE, "--to", target, "--into", dir.toString(), "--start"));
        Benchmark.Result handRestore = measureRestore("l by hand", servers, n, dir -> byHand(root, dir, target));

        StringBuilder out = new StringBuilder();
        out.append("## Point-in-time recovery benchmark, ").append(LocalDate.now()).append("\n\n");
        out.append("`bench/run --pitr --scale ").append(scale).append(" --runs ").append(runs).append(" --seconds ")
                .append(seconds).append("` on ").append(Benchmark.machine()).append(". Database `").append(SERVICE)
                .append("` is ").append(size).append(" (`pgbench -i -s ").append(scale).append("`). Median of ")
                .append(runs).append(" runs; RSS is the peak of the process tree's largest process.\n\n");
        out.append("| Case | What | Median wall | Stored | Peak RSS |\n| --- | --- | ---: | ---: | ---: |\n");
        row(out, "j bare", "`pg_basebackup -Ft -D - -X none --checkpoint=fast \\| zstd -1`", bareBase);
        row(out, "j ctl", "controller `basebackup` (zstd, SHA-256, manifest) to local", controllerBase);
        row(out, "l bare", "by hand: decompress base and WAL, recovery settings, `pg_ctl start`, wait for promotion",
                handRestore);
        row(out, "l ctl", "controller `restore-pitr --to T --start`", controllerRestore);
        out.append(String.format(Locale.ROOT, "\n(j) runs in turn, bare then controller; each pair's ratio,"
                + " controller over bare: %s. Their median is the goal's figure; the medians' ratio is %.2f×.\n",
                ratios(pairs), controllerBase.seconds() / bareBase.seconds()));
        out.append("\n(k) WAL archiving while `pgbench -c 2 -j 2 -T ").append(seconds).append("` runs at full speed: ")
                .append(String.format(Locale.ROOT, "%.0f MiB of WAL (%d segments), %.0f transactions a second. When"
                        + " the load stopped, the newest archived segment was %d behind the one being written"
                        + " (a lag of 0 means only the segment being written was still to come); every finished"
                        + " segment was archived %.1f s later. The controller process tree used %.1f s of CPU"
                        + " (%.0f%% of one core) while streaming, pg_receivewal included. Peak RSS: controller JVM"
                        + " %.0f MiB streaming one service, %.0f MiB idle with nothing to stream (the increment"
                        + " per streamed service: %.0f MiB), pg_receivewal %.0f MiB.\n",
                        streaming.walBytes() / 1048576.0, streaming.walBytes() / SEGMENT, streaming.tps(),
                        streaming.lagSegments(), streaming.catchUpSeconds(), streaming.cpuSeconds(),
                        100 * streaming.cpuSeconds() / seconds, streaming.jvmRssKib() / 1024.0,
                        streaming.idleRssKib() / 1024.0, (streaming.jvmRssKib() - streaming.idleRssKib()) / 1024.0,
                        streaming.receiverRssKib() / 1024.0));
        out.append("\n| Goal | Figure | Met |\n| --- | --- | --- |\n");
        goal(out, "base backup ≤ 1.2× the bare pipeline (median of the pairs' ratios)", baseRatio, 1.2, "×");
        goal(out, "lag when the load stops ≤ 1 segment", streaming.lagSegments(), 1, " segments");
        goal(out, "RSS per streamed service ≤ 64 MiB (JVM streaming − JVM idle + pg_receivewal)",
                (streaming.jvmRssKib() - streaming.idleRssKib() + streaming.receiverRssKib()) / 1024.0, 64, " MiB");
        goal(out, "restore to a point in time against the same by hand (no goal set; shown)",
                controllerRestore.seconds() / handRestore.seconds(), Double.MAX_VALUE, "×");
        return out.toString();
    }

    private static String ratios(double[] pairs) {
        StringBuilder text = new StringBuilder();
        for (double ratio : pairs) {
            text.append(text.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.2f", ratio));
        }
        return text.toString();
    }

    /** What (k) found. */
    private record Streaming(long walBytes, double tps, long lagSegments, double catchUpSeconds, double cpuSeconds,
            long jvmRssKib, long idleRssKib, long receiverRssKib, String middle) {
    }

    private Streaming stream(Path root, int seconds) throws Exception {
        long idleRss = idleControllerRss();
        Path output = Files.createDirectories(work.resolve("start"));
        Map<String, String> env = env(root);
        ProcessBuilder builder = new ProcessBuilder(repository.resolve("controller").toString(), "start");
        builder.environment().putAll(env);
        builder.redirectErrorStream(true).redirectOutput(output.resolve("log").toFile());
        Process start = builder.start();
        try {
            waitFor("streaming", () -> Files.readString(output.resolve("log")).contains(SERVICE + ": streaming WAL"));
            Optional<ProcessHandle> receiver = waitForReceiver(start);
            long cpuBefore = treeCpuTicks(start.toHandle());
            String lsnBefore = cluster.psql("SELECT pg_current_wal_lsn()");
            Benchmark.log("(k) pgbench -c 2 -j 2 -T " + seconds + " at full speed while the controller streams");
            // The middle of the load, for (l)'s target: transactions end on both sides of it.
            java.util.concurrent.CompletableFuture<String> middle = java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> {
                        try {
                            Thread.sleep(seconds * 500L);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        return cluster.psql("SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC',"
                                + " 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')");
                    });
            String report = pgbench("-c", "2", "-j", "2", "-T", Integer.toString(seconds), "-n");
            long cpuAfter = treeCpuTicks(start.toHandle());
            String current = cluster.psql("SELECT pg_walfile_name(pg_current_wal_lsn())");
            long walBytes = Long.parseLong(cluster.psql("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '" + lsnBefore
                    + "')::bigint"));
            long lag = segmentNumber(current) - 1 - newestArchived(root).map(PitrBenchmark::segmentNumber)
                    .orElse(0L);
            long stopped = System.nanoTime();
            String previous = segmentName(current, segmentNumber(current) - 1);
            waitFor("segment " + previous + " archived", () -> Files.exists(archive(root).resolve(previous
                    + ".sha256")));
            double catchUp = (System.nanoTime() - stopped) / 1e9;
            long jvmRss = ProcStatus.of(start.pid()).peakRssKib();
            long receiverRss = receiver.map(p -> ProcStatus.of(p.pid()).peakRssKib()).orElse(0L);
            double tps = report.lines().filter(l -> l.startsWith("tps")).findFirst()
                    .map(l -> Double.parseDouble(l.replaceAll("tps = ([0-9.]+).*", "$1"))).orElse(0.0);
            return new Streaming(walBytes, tps, Math.max(0, lag), catchUp, (cpuAfter - cpuBefore) / 100.0, jvmRss,
                    idleRss, receiverRss, middle.join());
        } finally {
            start.destroy();
            start.waitFor();
        }
    }

    /** The controller's JVM with the same settings and nothing to stream: its peak RSS after a while. */
    private long idleControllerRss() throws Exception {
        Path idleRoot = work.resolve("idle");
        Map<String, String> env = env(idleRoot);
        env.put("BENCH_PITR", "false");
        Path log = Files.createDirectories(work.resolve("idle-log")).resolve("log");
        ProcessBuilder builder = new ProcessBuilder(repository.resolve("controller").toString(), "start");
        builder.environment().putAll(env);
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        Process idle = builder.start();
        try {
            waitFor("the idle controller", () -> Files.readString(log).contains("Next run at"));
            Thread.sleep(5_000);
            return ProcStatus.of(idle.pid()).peakRssKib();
        } finally {
            idle.destroy();
            idle.waitFor();
        }
    }

    private static Optional<ProcessHandle> waitForReceiver(Process start) throws Exception {
        waitFor("pg_receivewal", () -> start.descendants().anyMatch(PitrBenchmark::isReceiver));
        return start.descendants().filter(PitrBenchmark::isReceiver).findFirst();
    }

    private static boolean isReceiver(ProcessHandle process) {
        return process.info().command().map(c -> c.endsWith("pg_receivewal")).orElse(false);
    }

    /** CPU ticks (1/100 s) of a process and its descendants, from {@code /proc/<pid>/stat}. */
    private static long treeCpuTicks(ProcessHandle root) {
        return Stream.concat(Stream.of(root), root.descendants()).mapToLong(p -> {
            try {
                String stat = Files.readString(Path.of("/proc", Long.toString(p.pid()), "stat"));
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                // utime and stime are fields 14 and 15 of the whole line: 12 and 13 after the command.
                return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            } catch (IOException | RuntimeException e) {
                return 0;
            }
        }).sum();
    }

    private interface Check {
        boolean holds() throws Exception;
    }

    private static void waitFor(String what, Check check) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (!check.holds()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Gave up waiting for " + what);
            }
            Thread.sleep(100);
        }
    }

    /** Runs {@code start} until a segment is archived, then stops it. */
    private void runOnce(Benchmark.Command command, Path root, String segment) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command.command());
        builder.environment().putAll(command.env());
        builder.redirectErrorStream(true).redirectOutput(work.resolve("catch-up.log").toFile());
        Process start = builder.start();
        try {
            waitFor("segment " + segment + " archived", () -> Files.exists(archive(root).resolve(segment + ".sha256")));
        } finally {
            start.destroy();
            start.waitFor();
        }
    }

    private Benchmark.Result measureRestore(String id, Path servers, int[] n,
            java.util.function.Function<Path, Benchmark.Command> command) {
        List<Benchmark.Sample> samples = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            Path dir = servers.resolve("r" + n[0]++);
            try {
                samples.add(Benchmark.measureOnce(work, command.apply(dir), () -> 0));
            } finally {
                stopServer(dir);
            }
        }
        Benchmark.Result result = Benchmark.Result.median(samples);
        Benchmark.log(String.format(Locale.ROOT, "(%s) median %.2f s", id, result.seconds()));
        return result;
    }

    /**
     * The restore an operator would script: the base backup and every archived segment
     * decompressed, the same recovery settings, {@code pg_ctl start}, and a wait for promotion.
     */
    private Benchmark.Command byHand(Path root, Path dir, String target) {
        Path base = newest(root.resolve("data").resolve(SERVICE).resolve("base.backup"), ".tar.zst");
        String asServer = PgCluster.isRoot() ? "runuser -u postgres -- " : "";
        String script = String.join("\n", "set -euo pipefail",
                "mkdir -p '" + dir + "/pitr-wal'",
                "zstd -d -q -c '" + base + "' | tar -x -C '" + dir + "'",
                "for f in '" + archive(root) + "'/*.zst; do n=$(basename \"$f\" .zst);"
                        + " case $n in *.partial) continue;; esac; zstd -d -q -c \"$f\" > '" + dir + "/pitr-wal/'$n;"
                        + " done",
                "printf \"restore_command = 'cp pitr-wal/%%f \\\"%%p\\\"'\\nrecovery_target_time = '%s'\\n"
                        + "recovery_target_action = 'promote'\\n\" '" + target.replace("T", " ").replace("Z", "+00")
                        + "' >> '" + dir + "/postgresql.auto.conf'",
                "touch '" + dir + "/recovery.signal'",
                "chmod 700 '" + dir + "'",
                PgCluster.isRoot() ? "chown -R postgres: '" + dir + "'" : "true",
                asServer + "'" + bin("pg_ctl") + "' --pgdata='" + dir + "' --log='" + dir + "/log' --wait -o"
                        + " \"-c port=" + freePort() + " -c listen_addresses=localhost -c unix_socket_directories=''\""
                        + " start > /dev/null",
                "until grep -q 'database system is ready to accept connections' '" + dir + "/log'; do"
                        + " if grep -q FATAL '" + dir + "/log'; then exit 1; fi; sleep 0.1; done");
        return new Benchmark.Command(List.of("bash", "-c", script), new HashMap<>());
    }

    private void stopServer(Path dir) {
        List<String> command = new ArrayList<>();
        if (PgCluster.isRoot()) {
            command.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        command.addAll(List.of(bin("pg_ctl").toString(), "--pgdata=" + dir, "--mode=immediate", "--wait", "stop"));
        Exec.run(new ProcessBuilder(command).directory(Path.of("/").toFile()), null);
        PgCluster.deleteTree(dir);
    }

    private Map<String, String> env(Path root) {
        Map<String, String> env = new HashMap<>(cluster.serviceEnvironment(SERVICE));
        env.put("DATABASE_LIST", SERVICE);
        env.put("BACKUP_ROOT", root.toString());
        env.put("MODE", "production");
        env.put("BACKUP_SCHEDULE", "0 0 1 1 *");
        env.put("BENCH_PITR", "true");
        return env;
    }

    private Benchmark.Command controller(Path root, String... args) {
        List<String> command = new ArrayList<>(List.of(repository.resolve("controller").toString()));
        command.addAll(List.of(args));
        return new Benchmark.Command(command, env(root));
    }

    private String pgbench(String... args) {
        List<String> command = new ArrayList<>(List.of(bin("pgbench").toString(), "--host=" + cluster.host(),
                "--port=" + cluster.port(), "--username=" + Benchmark.USER));
        command.addAll(List.of(args));
        command.add(SERVICE);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("PGPASSWORD", Benchmark.PASSWORD);
        return Exec.run(builder, null).requireSuccess("pgbench").stdout();
    }

    private static Path bin(String program) {
        return PgCluster.serverBinaries().resolve(program);
    }

    private static Path archive(Path root) {
        return root.resolve("data").resolve(SERVICE).resolve("wal.archive");
    }

    private static Optional<String> newestArchived(Path root) throws IOException {
        try (Stream<Path> files = Files.list(archive(root))) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.matches("[0-9A-F]{24}\\.sha256"))
                    .map(n -> n.substring(0, 24)).max(Comparator.naturalOrder());
        }
    }

    private static long newestBaseBackupSize(Path root) {
        return Benchmark.sizeOf(newest(root.resolve("data").resolve(SERVICE).resolve("base.backup"), ".tar.zst"));
    }

    private static Path newest(Path directory, String suffix) {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(p -> p.getFileName().toString().endsWith(suffix))
                    .max(Comparator.comparing(p -> p.getFileName().toString())).orElseThrow();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A segment's number within its timeline, for 16 MiB segments. */
    private static long segmentNumber(String name) {
        return Long.parseLong(name.substring(8, 16), 16) * 256 + Long.parseLong(name.substring(16, 24), 16);
    }

    private static String segmentName(String like, long number) {
        return like.substring(0, 8) + String.format("%08X%08X", number / 256, number % 256);
    }

    private static int freePort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void row(StringBuilder out, String id, String what, Benchmark.Result r) {
        out.append(String.format(Locale.ROOT, "| %s | %s | %.2f s | %s | %.0f MiB |%n", id, what, r.seconds(),
                r.bytes() > 0 ? String.format(Locale.ROOT, "%.1f MiB", r.bytes() / 1048576.0) : "", r.rssKib() / 1024.0));
    }

    private static void goal(StringBuilder out, String what, double figure, double limit, String unit) {
        out.append(String.format(Locale.ROOT, "| %s | %.2f%s | %s |%n", what, figure, unit,
                limit == Double.MAX_VALUE ? "—" : figure <= limit ? "yes" : "**no**"));
    }
}
