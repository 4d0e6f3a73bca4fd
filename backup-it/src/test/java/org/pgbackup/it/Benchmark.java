package org.pgbackup.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.pgbackup.storage.s3.S3ProxyServer;

/**
 * The benchmark behind {@code bench/run}: a dataset of random filler on a throwaway cluster,
 * and the dump and restore cases again on a text-heavy one ({@link TextHeavyData}),
 * each case run several times in one go, and a table of median wall time, archive size and
 * peak RSS (from {@code /usr/bin/time -v}) with the ratios the targets are stated in. Not a
 * test: timings on shared machines are figures to read, never assertions.
 */
public final class Benchmark {
    static final String USER = "bench";
    static final String PASSWORD = "Bench-Pa55-not-secret";
    private static final double MIB = 1024.0 * 1024.0;

    private final Path repository;
    private final Path work;
    private final int runs;
    private final PgCluster cluster;
    private final S3ProxyServer s3;
    private final List<String> rows = new ArrayList<>();

    private Benchmark(Path repository, Path work, int runs, PgCluster cluster, S3ProxyServer s3) {
        this.repository = repository;
        this.work = work;
        this.runs = runs;
        this.cluster = cluster;
        this.s3 = s3;
    }

    /**
     * One measured run: wall seconds, peak RSS, the size of what it wrote, and CPU seconds:
     * of the command's process tree, of this JVM (where s3proxy runs) and of the whole machine.
     */
    record Sample(double seconds, long rssKib, long bytes, double treeCpu, double s3Cpu, double machineCpu) {
    }

    /** The medians of a case's runs. */
    record Result(double seconds, long rssKib, long bytes, double treeCpu, double s3Cpu, double machineCpu) {
        static Result median(List<Sample> samples) {
            return new Result(medianOf(samples.stream().mapToDouble(Sample::seconds).toArray()),
                    (long) medianOf(samples.stream().mapToDouble(Sample::rssKib).toArray()),
                    (long) medianOf(samples.stream().mapToDouble(Sample::bytes).toArray()),
                    medianOf(samples.stream().mapToDouble(Sample::treeCpu).toArray()),
                    medianOf(samples.stream().mapToDouble(Sample::s3Cpu).toArray()),
                    medianOf(samples.stream().mapToDouble(Sample::machineCpu).toArray()));
        }

        /** The median of the values, which it sorts in place. */
        static double medianOf(double[] values) {
            Arrays.sort(values);
            int n = values.length;
            return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = BenchOptions.parse(args, Map.of("--size-mb", "1024", "--small-mb", "200",
                "--runs", "3", "--repository", "."), "");
        Path repository = Path.of(options.get("--repository")).toAbsolutePath().normalize();
        int sizeMb = Integer.parseInt(options.get("--size-mb"));
        int smallMb = Integer.parseInt(options.get("--small-mb"));
        int runs = Integer.parseInt(options.get("--runs"));
        Path work = Files.createTempDirectory("pgbackup-bench-");
        try (PgCluster cluster = PgCluster.start(USER, PASSWORD, "big");
                S3ProxyServer s3 = S3ProxyServer.start().bucket("bench")) {
            Benchmark bench = new Benchmark(repository, work, runs, cluster, s3);
            String report = bench.run(sizeMb, smallMb);
            System.out.println(report);
            Path results = repository.resolve("bench/results");
            Files.createDirectories(results);
            Path file = results.resolve(LocalDate.now() + ".md");
            Files.writeString(file, report);
            System.out.println("Written to " + repository.relativize(file));
        } finally {
            PgCluster.deleteTree(work);
        }
    }

    private String run(int sizeMb, int smallMb) throws IOException {
        log("Filling database 'big' with about " + sizeMb + " MB of random filler");
        fill("big", sizeMb);
        log("Filling database 'small' with about " + smallMb + " MB, and two copies for the 3-service case");
        fill("small", smallMb);
        cluster.psql("postgres", "CREATE DATABASE small2 TEMPLATE small; CREATE DATABASE small3 TEMPLATE small;");
        String bigSize = cluster.psql("SELECT pg_size_pretty(pg_database_size('big'))");
        String smallSize = cluster.psql("SELECT pg_size_pretty(pg_database_size('small'))");
        // Warm the page cache, so that the first measured case does not pay for it.
        Path warm = work.resolve("warm.dump");
        measureOnce(new Command(bare("pg_dump", "--format=custom", "--compress=0", "--file=" + warm, "big"),
                new HashMap<>()), () -> 0);
        Files.delete(warm);
        // (g) first, on an idle server: after the restores, autovacuum and checkpoints would share the cores.
        Path listRoot = work.resolve("root-g");
        runController(listRoot, "small", List.of("local"), "dump", "small");
        cluster.psql("CHECKPOINT");
        Result g = measure("g", controller(listRoot, "small", List.of("local"), "list", "small"), () -> 0, 10);

        Path peerArchive = work.resolve("peer.dump");
        Result a = measure("a", bare("pg_dump", "--format=custom", "--file=" + peerArchive, "big"),
                () -> sizeOf(peerArchive));
        Path floor = work.resolve("floor.dump");
        Result b = measure("b", bare("pg_dump", "--format=custom", "--compress=0", "--file=" + floor, "big"),
                () -> sizeOf(floor));
        Files.deleteIfExists(floor);
        Result c = measureController("c", "big", List.of("local"), "dump", "big");
        Result h = measureEncrypted("h", "big");
        Result uncounted = measureDumpWith("i", "big", Map.of("DRILL_COUNT_ROWS", "false"));
        Result d = measureController("d", "big", List.of("local", "s3"), "dump", "big");
        Result cSmall = measureController("c small", "small", List.of("local"), "dump", "small");
        Result dSmall = measureController("d small", "small", List.of("local", "s3"), "dump", "small");
        Result e1 = measureAll("e p=1", "small", 1);
        Result e2 = measureAll("e p=2", "small", 2);

        // (f): the peer's archive restored as peers do, against the controller's archive of the same data.
        Result fBare = measure("f bare", bare("pg_restore", "--single-transaction", "--exit-on-error", "--clean",
                "--if-exists", "--dbname=big", peerArchive.toString()), () -> sizeOf(peerArchive));
        Path root = work.resolve("root-f");
        runController(root, "big", List.of("local"), "dump", "big");
        String archive = controllerOutput(root, "big", List.of("local"), "list", "big").lines().findFirst()
                .orElseThrow();
        Path stored = root.resolve("data/big").resolve(archive);
        Result fController = measure("f controller", controller(root, "big", List.of("local"), "restore", "big",
                archive), () -> sizeOf(stored));

        Result p = measurePlain("p", "big");

        // The same dump and restore cases on the text-heavy set.
        log("Filling database 'text' with about " + sizeMb + " MB of words, JSON documents, timestamps and numerics");
        TextHeavyData.fill(cluster, "text", sizeMb);
        String textSize = cluster.psql("SELECT pg_size_pretty(pg_database_size('text'))");
        Path textArchive = work.resolve("text.dump");
        Result aText = measure("a text", bare("pg_dump", "--format=custom", "--file=" + textArchive, "text"),
                () -> sizeOf(textArchive));
        Path textFloor = work.resolve("text-floor.dump");
        Result bText = measure("b text", bare("pg_dump", "--format=custom", "--compress=0", "--file=" + textFloor,
                "text"), () -> sizeOf(textFloor));
        Files.deleteIfExists(textFloor);
        Result pText = measurePlain("p text", "text");
        Result cText = measureController("c text", "text", List.of("local"), "dump", "text");
        Result iText = measureDumpWith("i text", "text", Map.of("DRILL_COUNT_ROWS", "false"));
        Result hText = measureEncrypted("h text", "text");
        Result dText = measureController("d text", "text", List.of("local", "s3"), "dump", "text");
        log("Filling database 'tsmall' with about " + smallMb + " MB of the same kind, and two copies");
        TextHeavyData.fill(cluster, "tsmall", smallMb);
        cluster.psql("postgres", "CREATE DATABASE tsmall2 TEMPLATE tsmall; CREATE DATABASE tsmall3 TEMPLATE tsmall;");
        Result cTextSmall = measureController("c tsmall", "tsmall", List.of("local"), "dump", "tsmall");
        Result dTextSmall = measureController("d tsmall", "tsmall", List.of("local", "s3"), "dump", "tsmall");
        Result e1Text = measureAll("e text p=1", "tsmall", 1);
        Result e2Text = measureAll("e text p=2", "tsmall", 2);
        Result fBareText = measure("f bare text", bare("pg_restore", "--single-transaction", "--exit-on-error",
                "--clean", "--if-exists", "--dbname=text", textArchive.toString()), () -> sizeOf(textArchive));
        Path textRoot = work.resolve("root-f-text");
        runController(textRoot, "text", List.of("local"), "dump", "text");
        String textStored = controllerOutput(textRoot, "text", List.of("local"), "list", "text").lines().findFirst()
                .orElseThrow();
        Result fControllerText = measure("f controller text", controller(textRoot, "text", List.of("local"),
                "restore", "text", textStored), () -> sizeOf(textRoot.resolve("data/text").resolve(textStored)));

        String curve = levelCurve(List.of("big", "text"));

        String date = LocalDate.now().toString();
        StringBuilder out = new StringBuilder();
        out.append("## Benchmark, ").append(date).append("\n\n");
        out.append("`bench/run --size-mb ").append(sizeMb).append(" --small-mb ").append(smallMb).append(" --runs ")
                .append(runs).append("` on ").append(machine()).append(". Database `big` is ").append(bigSize)
                .append(", `small` ").append(smallSize).append(" (random hex filler, primary key). Median of ")
                .append(runs).append(" runs (").append(10).append(" for g); RSS is the peak resident set of the"
                        + " process tree's largest process, from `/usr/bin/time -v`.\n\n");
        out.append("| Case | What | Median wall | Archive | Peak RSS |\n| --- | --- | ---: | ---: | ---: |\n");
        row(out, "a", "bare `pg_dump -Fc` (zlib 6), `big`", a);
        row(out, "b", "bare `pg_dump -Fc -Z0`, `big` (the floor)", b);
        row(out, "c", "controller `dump` to local (default, zstd:1), `big`", c);
        row(out, "d", "controller `dump` to local + S3 (s3proxy), `big`", d);
        row(out, "h", "controller `dump` to local encrypted with age (`BACKUP_ENCRYPTION=age`), `big`", h);
        row(out, "i", "controller `dump` to local without row counts (`DRILL_COUNT_ROWS=false`), `big`",
                uncounted);
        row(out, "c'", "controller `dump` to local, `small`", cSmall);
        row(out, "d'", "controller `dump` to local + S3, `small`", dSmall);
        row(out, "e1", "controller `dump --all`, 3 × `small`, `BACKUP_PARALLELISM=1`", e1);
        row(out, "e2", "controller `dump --all`, 3 × `small`, `BACKUP_PARALLELISM=2`", e2);
        row(out, "f bare", "bare `pg_restore -1` of (a)'s archive into `big`", fBare);
        row(out, "f ctl", "controller `restore` (checksum check included) into `big`", fController);
        row(out, "g", "controller `list` of a service with one archive (launcher, class-data sharing)", g);
        out.append("\n| Target | Figure | Met |\n| --- | --- | --- |\n");
        target(out, "(c) wall ≤ 0.4 × (a)", c.seconds() / a.seconds(), 0.4);
        target(out, "(c) archive ≤ 1.05 × (a)", (double) c.bytes() / a.bytes(), 1.05);
        target(out, "(d) wall ≤ 1.1 × (c)", d.seconds() / c.seconds(), 1.1);
        target(out, "(h) age: wall ≤ 1.05 × (c)", h.seconds() / c.seconds(), 1.05);
        out.append(String.format(Locale.ROOT, "| (c) / (i): what counting rows in the dump's snapshot costs"
                + " (no target) | %.2f × wall | - |%n", c.seconds() / uncounted.seconds()));
        double hRss = (double) h.rssKib() / c.rssKib();
        out.append(String.format(Locale.ROOT, "| (h) age: peak RSS within 10%% of (c) | %.0f vs %.0f MiB (%.2f ×) | %s |%n",
                h.rssKib() / 1024.0, c.rssKib() / 1024.0, hRss, hRss <= 1.10 && hRss >= 0.90 ? "yes" : "**no**"));
        target(out, "(e) p=2 wall ≤ 0.7 × p=1", e2.seconds() / e1.seconds(), 0.7);
        target(out, "(f) controller restore ≤ 1.15 × bare `pg_restore -1`", fController.seconds() / fBare.seconds(),
                1.15);
        out.append(String.format(Locale.ROOT, "| (c) peak RSS ≤ 256 MiB at `big` | %.0f MiB | %s |%n",
                c.rssKib() / 1024.0, c.rssKib() <= 256 * 1024 ? "yes" : "**no**"));
        out.append(String.format(Locale.ROOT, "| (d) peak RSS ≤ 256 MiB at `big` | %.0f MiB | %s |%n",
                d.rssKib() / 1024.0, d.rssKib() <= 256 * 1024 ? "yes" : "**no**"));
        flat(out, "(c)", c, cSmall);
        flat(out, "(d)", d, dSmall);
        out.append(String.format(Locale.ROOT, "| (g) `list` ≤ 0.5 s | %.2f s | %s |%n", g.seconds(),
                g.seconds() <= 0.5 ? "yes" : "**no**"));

        out.append("\n### Both data sets, side by side\n\n`big` is the random filler above (").append(bigSize)
                .append("); `text` is ").append(textSize).append(" of sentences from a 60-word vocabulary, JSON"
                        + " documents, timestamps and numerics, with a primary key and an index"
                        + " (`TextHeavyData`). Median wall, and archive size where one is written.\n\n");
        out.append("| Case | What | `big` | `text` |\n| --- | --- | ---: | ---: |\n");
        pair(out, "a", "bare `pg_dump -Fc` (zlib 6)", a, aText);
        pair(out, "b", "bare `pg_dump -Fc -Z0` (the floor)", b, bText);
        pair(out, "p", "bare `pg_dump -Z1` plain, gzip (PBL's default)", p, pText);
        pair(out, "c", "controller `dump` to local (default, zstd:1)", c, cText);
        pair(out, "i", "controller `dump` without row counts", uncounted, iText);
        pair(out, "h", "controller `dump` encrypted with age", h, hText);
        pair(out, "d", "controller `dump` to local + S3 (s3proxy)", d, dText);
        pair(out, "c'", "controller `dump` to local, the small database", cSmall, cTextSmall);
        pair(out, "d'", "controller `dump` to local + S3, the small database", dSmall, dTextSmall);
        pair(out, "e1", "controller `dump --all`, 3 small databases, `BACKUP_PARALLELISM=1`", e1, e1Text);
        pair(out, "e2", "controller `dump --all`, 3 small databases, `BACKUP_PARALLELISM=2`", e2, e2Text);
        pair(out, "f bare", "bare `pg_restore -1` of (a)'s archive", fBare, fBareText);
        pair(out, "f ctl", "controller `restore`", fController, fControllerText);
        out.append("\n| Peak RSS | `big` | `text` |\n| --- | ---: | ---: |\n");
        rss(out, "c, local", c, cText);
        rss(out, "c', local, small database", cSmall, cTextSmall);
        rss(out, "d, local + S3", d, dText);
        rss(out, "d', local + S3, small database", dSmall, dTextSmall);
        rss(out, "h, age", h, hText);
        out.append("\n| Goal (issue 17) | `big` | `text` |\n| --- | --- | --- |\n");
        goal(out, "(c) wall ≤ 1.3 × the floor (b)", c.seconds() / b.seconds(), cText.seconds() / bText.seconds(),
                1.3, 1.3);
        goal(out, "(c) archive ≤ 0.95 × `pg_dump -Fc` (a)", (double) c.bytes() / a.bytes(),
                (double) cText.bytes() / aText.bytes(), 0.95, 0.95);
        goal(out, "(c) wall against PBL (p): ≤ 0.6 × on `big`, ≤ 1.0 × on `text`", c.seconds() / p.seconds(),
                cText.seconds() / pText.seconds(), 0.6, 1.0);
        goal(out, "(d) local + S3 wall ≤ 1.1 × local (c)", d.seconds() / c.seconds(), dText.seconds() / cText.seconds(),
                1.1, 1.1);
        goal(out, "(d) peak RSS ≤ 256 MiB, as a fraction of 256 MiB", d.rssKib() / (256.0 * 1024),
                dText.rssKib() / (256.0 * 1024), 1.0, 1.0);
        goal(out, "(d) peak RSS flat: big database ≤ 1.1 × the small one", (double) d.rssKib() / dSmall.rssKib(),
                (double) dText.rssKib() / dTextSmall.rssKib(), 1.1, 1.1);
        goal(out, "(e) `--all` p=2 ≤ 0.75 × p=1", e2.seconds() / e1.seconds(), e2Text.seconds() / e1Text.seconds(),
                0.75, 0.75);
        goal(out, "(f) controller restore ≤ 1.15 × bare `pg_restore -1`", fController.seconds() / fBare.seconds(),
                fControllerText.seconds() / fBareText.seconds(), 1.15, 1.15);

        out.append("\n### Where the CPU goes\n\nCPU seconds per case (medians): the controller's process tree"
                + " (the JVM, `pg_dump`, `pg_dumpall`), s3proxy (in the benchmark's JVM), and the rest of the"
                + " machine, which is the PostgreSQL server; `busy` is the machine's CPU over ")
                .append(Runtime.getRuntime().availableProcessors()).append(" cores × the wall time.\n\n");
        out.append("| Case | Set | Wall | Controller tree | s3proxy | PostgreSQL and rest | Busy |\n"
                + "| --- | --- | ---: | ---: | ---: | ---: | ---: |\n");
        cpu(out, "b floor", "big", b);
        cpu(out, "b floor", "text", bText);
        cpu(out, "c local", "big", c);
        cpu(out, "c local", "text", cText);
        cpu(out, "d local + S3", "big", d);
        cpu(out, "d local + S3", "text", dText);
        cpu(out, "e1 `--all` p=1", "big", e1);
        cpu(out, "e1 `--all` p=1", "text", e1Text);
        cpu(out, "e2 `--all` p=2", "big", e2);
        cpu(out, "e2 `--all` p=2", "text", e2Text);
        out.append(curve);
        return out.toString();
    }

    private static void rss(StringBuilder out, String what, Result left, Result right) {
        out.append(String.format(Locale.ROOT, "| %s | %.0f MiB | %.0f MiB |%n", what, left.rssKib() / 1024.0,
                right.rssKib() / 1024.0));
    }

    private void cpu(StringBuilder out, String id, String set, Result r) {
        double rest = Math.max(0, r.machineCpu() - r.treeCpu() - r.s3Cpu());
        out.append(String.format(Locale.ROOT, "| %s | `%s` | %.2f s | %.2f s | %.2f s | %.2f s | %.0f %% |%n", id, set,
                r.seconds(), r.treeCpu(), r.s3Cpu(), rest, 100 * r.machineCpu()
                        / (r.seconds() * Runtime.getRuntime().availableProcessors())));
    }

    /**
     * zstd's levels 1 to 6 on both sets, one run per point: the controller (zstd's worker
     * threads beside the reading thread), and the zstd command on {@code pg_dump}'s output
     * without workers (on the reading thread, as the controller did before) and with them.
     */
    private String levelCurve(List<String> databases) {
        int cores = Runtime.getRuntime().availableProcessors();
        StringBuilder out = new StringBuilder("\n### The zstd level curve\n\nWall time and archive size of a"
                + " dump at each level, one run per point. `controller` is `dump` with `BACKUP_COMPRESSION=zstd:<n>`;"
                + " the two others are `pg_dump -Fc -Z0 | zstd -<n>`, with `--single-thread` (compression on the"
                + " thread that reads, as the controller did before zstd's workers) and with `-T" + cores + "`.\n\n"
                + "| Level | Set | controller | zstd, no workers | zstd, " + cores + " workers |\n"
                + "| ---: | --- | ---: | ---: | ---: |\n");
        for (String database : databases) {
            for (int level = 1; level <= 6; level++) {
                log("Level curve: " + database + " at zstd:" + level);
                Result controller = measureDumpWith("curve " + database + " " + level, database,
                        Map.of("BACKUP_COMPRESSION", "zstd:" + level), 1);
                Result single = measurePipe("curve single " + database + " " + level, database, level,
                        "--single-thread");
                Result workers = measurePipe("curve workers " + database + " " + level, database, level, "-T" + cores);
                out.append(String.format(Locale.ROOT, "| %d | `%s` | %s | %s | %s |%n", level, database,
                        cell(controller), cell(single), cell(workers)));
            }
        }
        return out.toString();
    }

    /** {@code pg_dump -Fc -Z0 | zstd}, as one command under {@code /usr/bin/time}. */
    private Result measurePipe(String id, String database, int level, String threads) {
        Path out = work.resolve("pipe.dump.zst");
        String dump = String.join(" ", bare("pg_dump", "--format=custom", "--compress=0", database));
        Command command = new Command(List.of("bash", "-o", "pipefail", "-c", dump + " | zstd -q -" + level + " "
                + threads + " -o " + out + " -f"), new HashMap<>(Map.of("PGPASSWORD", PASSWORD)));
        Result result = measure(id, command, () -> sizeOf(out), 1);
        try {
            Files.deleteIfExists(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return result;
    }

    private static void pair(StringBuilder out, String id, String what, Result left, Result right) {
        out.append(String.format(Locale.ROOT, "| %s | %s | %s | %s |%n", id, what, cell(left), cell(right)));
    }

    private static String cell(Result r) {
        return String.format(Locale.ROOT, "%.2f s", r.seconds()) + (r.bytes() > 0
                ? String.format(Locale.ROOT, ", %.1f MiB", r.bytes() / MIB) : "");
    }

    private static void goal(StringBuilder out, String what, double left, double right, double leftLimit,
            double rightLimit) {
        out.append(String.format(Locale.ROOT, "| %s | %.2f × %s | %.2f × %s |%n", what, left,
                left <= leftLimit ? "yes" : "**no**", right, right <= rightLimit ? "yes" : "**no**"));
    }

    /** PBL's default: a plain-format dump that {@code pg_dump} itself gzips at level 1. */
    private Result measurePlain(String id, String database) {
        Path plain = work.resolve(database + "-plain.sql.gz");
        Result result = measure(id, bare("pg_dump", "--format=plain", "--compress=1", "--file=" + plain, database),
                () -> sizeOf(plain));
        try {
            Files.deleteIfExists(plain);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return result;
    }

    private static void row(StringBuilder out, String id, String what, Result r) {
        out.append(String.format(Locale.ROOT, "| %s | %s | %.2f s | %s | %.0f MiB |%n", id, what, r.seconds(),
                r.bytes() > 0 ? String.format(Locale.ROOT, "%.1f MiB", r.bytes() / MIB) : "-", r.rssKib() / 1024.0));
    }

    private static void target(StringBuilder out, String what, double ratio, double limit) {
        out.append(String.format(Locale.ROOT, "| %s | %.2f × | %s |%n", what, ratio, ratio <= limit ? "yes"
                : "**no**"));
    }

    private static void flat(StringBuilder out, String id, Result big, Result small) {
        double ratio = (double) big.rssKib() / small.rssKib();
        out.append(String.format(Locale.ROOT, "| %s peak RSS flat in size: `big` within 10%% of `small` | %.0f vs %.0f"
                + " MiB (%.2f ×) | %s |%n", id, big.rssKib() / 1024.0, small.rssKib() / 1024.0, ratio,
                ratio <= 1.10 && ratio >= 0.90 ? "yes" : "**no**"));
    }

    static String machine() {
        String cpu = "unknown CPU";
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            cpu = lines.filter(l -> l.startsWith("model name")).findFirst().map(l -> l.replaceFirst(".*:\\s*", ""))
                    .orElse(cpu);
        } catch (IOException e) {
            // The CPU's name is a courtesy.
        }
        return Runtime.getRuntime().availableProcessors() + " cores (" + cpu + "), PostgreSQL "
                + PgCluster.serverBinaries().getParent().getFileName() + ", Java " + Runtime.version().feature();
    }

    /** Fills a database with a pgbench-like table whose filler is random text, to about the given size. */
    private void fill(String database, int megabytes) {
        if (!database.equals(cluster.database())) {
            cluster.psql("postgres", "CREATE DATABASE " + database);
        }
        // About 165 bytes a row with its index entry.
        long rows = megabytes * 1024L * 1024L / 165;
        cluster.psql(database, """
                CREATE TABLE accounts (aid bigint PRIMARY KEY, bid int NOT NULL, abalance int NOT NULL,
                    filler text NOT NULL);
                INSERT INTO accounts SELECT g, g % 1000, (random() * 100000)::int,
                    md5(random()::text) || md5(random()::text) || md5(random()::text)
                    FROM generate_series(1, {rows}) g;
                VACUUM ANALYZE accounts;
                """.replace("{rows}", Long.toString(rows)));
    }

    private List<String> bare(String program, String... args) {
        List<String> command = new ArrayList<>(List.of(PgCluster.serverBinaries().resolve(program).toString(),
                "--host=" + cluster.host(), "--port=" + cluster.port(), "--username=" + USER));
        for (String arg : args) {
            // pg_dump takes the database as its last argument, pg_restore as --dbname.
            command.add(program.equals("pg_dump") && !arg.startsWith("-") ? "--dbname=" + arg : arg);
        }
        return command;
    }

    private Map<String, String> controllerEnv(Path root, List<String> services, List<String> targets) {
        Map<String, String> env = new HashMap<>();
        for (String service : services) {
            env.putAll(cluster.serviceEnvironment(service));
            env.put(service.toUpperCase(Locale.ROOT) + "_POSTGRES_DB", service);
        }
        env.put("DATABASE_LIST", String.join(",", services));
        env.put("BACKUP_ROOT", root.toString());
        env.put("BACKUP_TARGET", String.join(",", targets));
        if (targets.contains("s3")) {
            // A prefix per backup root: every run starts from an empty one, as locally.
            env.putAll(s3.environment("bench", root.getFileName().toString()));
        }
        return env;
    }

    private Command controller(Path root, String service, List<String> targets, String... args) {
        return controller(root, List.of(service), targets, args);
    }

    private Command controller(Path root, List<String> services, List<String> targets, String... args) {
        List<String> command = new ArrayList<>(List.of(repository.resolve("controller").toString()));
        command.addAll(List.of(args));
        return new Command(command, controllerEnv(root, services, targets));
    }

    private void runController(Path root, String service, List<String> targets, String... args) {
        measureOnce(controller(root, service, targets, args), () -> 0);
    }

    private String controllerOutput(Path root, String service, List<String> targets, String... args) {
        Command command = controller(root, service, targets, args);
        ProcessBuilder builder = new ProcessBuilder(command.command());
        builder.environment().putAll(command.env());
        return Exec.run(builder, "").requireSuccess(String.join(" ", args)).stdout();
    }

    /** A controller command on a fresh backup root each run; the archive is what it stored locally. */
    private Result measureController(String id, String service, List<String> targets, String... args) {
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            Path root = work.resolve("root-" + id.replace(' ', '-') + "-" + i);
            Sample sample = measureOnce(controller(root, service, targets, args), () -> sizeOf(single(root
                    .resolve("data").resolve(service))));
            samples.add(sample);
            PgCluster.deleteTree(root);
        }
        return report(id, samples);
    }

    /** A dump encrypted to one recipient: only its public key is needed, as on a machine that only backs up. */
    private Result measureEncrypted(String id, String service) {
        String recipient;
        try {
            recipient = new com.exceptionfactory.jagged.x25519.X25519KeyPairGenerator().generateKeyPair().getPublic()
                    .toString();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("Cannot make an age key pair", e);
        }
        return measureDumpWith(id, service, Map.of("BACKUP_ENCRYPTION", "age", "AGE_RECIPIENTS", recipient));
    }

    /** A controller dump to local with settings added to its environment. */
    private Result measureDumpWith(String id, String service, Map<String, String> settings) {
        return measureDumpWith(id, service, settings, runs);
    }

    private Result measureDumpWith(String id, String service, Map<String, String> settings, int times) {
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < times; i++) {
            Path root = work.resolve("root-" + id.replace(' ', '-') + "-" + i);
            Command command = controller(root, service, List.of("local"), "dump", service);
            command.env().putAll(settings);
            samples.add(measureOnce(command, () -> sizeOf(single(root.resolve("data").resolve(service)))));
            PgCluster.deleteTree(root);
        }
        return report(id, samples);
    }

    private Result measureAll(String id, String base, int parallelism) {
        List<Sample> samples = new ArrayList<>();
        List<String> services = List.of(base, base + "2", base + "3");
        for (int i = 0; i < runs; i++) {
            Path root = work.resolve("root-e" + base + parallelism + "-" + i);
            Command command = controller(root, services, List.of("local"), "dump", "--all");
            command.env().put("BACKUP_PARALLELISM", Integer.toString(parallelism));
            samples.add(measureOnce(command, () -> {
                long total = 0;
                for (String service : services) {
                    total += sizeOf(single(root.resolve("data").resolve(service)));
                }
                return total;
            }));
            PgCluster.deleteTree(root);
        }
        return report(id, samples);
    }

    /** The one archive in a service's directory. */
    private static Path single(Path directory) {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(p -> p.getFileName().toString().matches("file_.*\\.dump(\\.zst)?(\\.age)?"))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("No archive in " + directory));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    record Command(List<String> command, Map<String, String> env) {
    }

    private Result measure(String id, List<String> command, LongSupplier output) {
        return measure(id, new Command(command, new HashMap<>(Map.of("PGPASSWORD", PASSWORD))), output, runs);
    }

    private Result measure(String id, Command command, LongSupplier output) {
        return measure(id, command, output, runs);
    }

    private Result measure(String id, Command command, LongSupplier output, int times) {
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < times; i++) {
            samples.add(measureOnce(command, output));
        }
        return report(id, samples);
    }

    private Result report(String id, List<Sample> samples) {
        Result result = Result.median(samples);
        log(String.format(Locale.ROOT, "(%s) %s -> median %.2f s, %.0f MiB RSS", id, samples.stream()
                .map(s -> String.format(Locale.ROOT, "%.2f", s.seconds())).toList(), result.seconds(),
                result.rssKib() / 1024.0));
        return result;
    }

    private static final Pattern RSS = Pattern.compile("Maximum resident set size \\(kbytes\\): (\\d+)");
    private static final Pattern CPU = Pattern.compile("(?:User|System) time \\(seconds\\): ([0-9.]+)");

    private Sample measureOnce(Command command, LongSupplier written) {
        return measureOnce(work, command, written);
    }

    /**
     * Runs a command under {@code /usr/bin/time -v}, its report in {@code work}; the size of what
     * it wrote is taken after it ends.
     */
    static Sample measureOnce(Path work, Command command, LongSupplier written) {
        Path timeFile = work.resolve("time.txt");
        List<String> full = new ArrayList<>(List.of("/usr/bin/time", "-v", "-o", timeFile.toString()));
        full.addAll(command.command());
        ProcessBuilder builder = new ProcessBuilder(full);
        builder.environment().putAll(command.env());
        builder.environment().putIfAbsent("PGPASSWORD", PASSWORD);
        long selfBefore = selfCpuNanos();
        long machineBefore = machineCpuTicks();
        long start = System.nanoTime();
        Exec.Result result = Exec.run(builder, "");
        double seconds = (System.nanoTime() - start) / 1e9;
        double machine = (machineCpuTicks() - machineBefore) / 100.0;
        double self = (selfCpuNanos() - selfBefore) / 1e9;
        if (result.exitCode() != 0) {
            throw new IllegalStateException("Benchmark command failed: " + result);
        }
        try {
            String times = Files.readString(timeFile);
            Matcher rss = RSS.matcher(times);
            long kib = rss.find() ? Long.parseLong(rss.group(1)) : 0;
            double tree = 0;
            for (Matcher cpu = CPU.matcher(times); cpu.find();) {
                tree += Double.parseDouble(cpu.group(1));
            }
            return new Sample(seconds, kib, written.getAsLong(), tree, self, machine);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** CPU time of this JVM, which is s3proxy's while a case runs (the benchmark itself waits). */
    private static long selfCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** Busy CPU ticks (1/100 s) of the whole machine, from {@code /proc/stat}; the server's share is in them. */
    private static long machineCpuTicks() {
        try {
            String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long busy = 0;
            // user nice system idle iowait irq softirq steal: all but idle and iowait.
            for (int i : new int[] {1, 2, 3, 6, 7, 8}) {
                busy += Long.parseLong(fields[i]);
            }
            return busy;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void log(String line) {
        System.err.println("bench: " + line);
    }
}
