package org.pgbackup.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code BACKUP_PARALLELISM} for {@code dump --all}, and {@code restore --jobs}. */
class ParallelIT {
    static final List<String> SERVICES = List.of("alpha", "beta", "gamma");

    @RegisterExtension
    static ClusterExtension alpha = new ClusterExtension("alpha", "ann", "Alpha-Pa55", "alphadb", 2000);
    @RegisterExtension
    static ClusterExtension beta = new ClusterExtension("beta", "ben", "Beta-Pa55", "betadb", 1500);
    @RegisterExtension
    static ClusterExtension gamma = new ClusterExtension("gamma", "gus", "Gamma-Pa55", "gammadb", 1000);
    static ControllerProcess controller = ControllerProcess.fromSystemProperty();

    @TempDir
    Path root;
    @TempDir
    Path bin;

    private Map<String, String> env() {
        Map<String, String> env = alpha.env(root);
        env.putAll(beta.cluster().serviceEnvironment("beta"));
        env.putAll(gamma.cluster().serviceEnvironment("gamma"));
        env.put("DATABASE_LIST", String.join(",", SERVICES));
        return env;
    }

    /**
     * Serial, then parallel: the same archives (same table of contents, same data on
     * restore), and the parallel run really overlaps, never beyond its bound. Each
     * {@code pg_dump} is a wrapper that logs its start and end and lingers a second, so
     * that overlap is certain when it is allowed.
     */
    @Test
    void parallelDumpAllGivesTheSameArchivesAsSerialWithinItsBound() throws IOException {
        Path times = bin.resolve("times.log");
        Path realDump = PgCluster.serverBinaries().resolve("pg_dump");
        PgWrappers.create(bin, Map.of("pg_dump", "if [ \"$1\" != --version ]; then\necho \"start $$ $(date +%s%N)\" >> '"
                + times + "'\nsleep 1\n'" + realDump + "' \"$@\"\nrc=$?\necho \"end $$ $(date +%s%N)\" >> '" + times
                + "'\nexit $rc\nfi\n"));
        Map<String, String> env = env();
        env.put("PG_BIN_DIR", bin.toString());

        env.put("BACKUP_PARALLELISM", "1");
        ControllerProcess.Run serial = controller.run(env, "dump", "--all");
        assertThat(serial.exitCode()).as(serial.toString()).isZero();
        assertThat(mostAtOnce(times)).isEqualTo(1);
        Files.delete(times);

        env.put("BACKUP_PARALLELISM", "2");
        ControllerProcess.Run parallel = controller.run(env, "dump", "--all");
        assertThat(parallel.exitCode()).as(parallel.toString()).isZero();
        assertThat(mostAtOnce(times)).isEqualTo(2);

        assertThat(parallel.stdout().lines().map(line -> line.split(":")[0])).containsExactlyElementsOf(SERVICES);
        assertThat(parallel.stderr().lines()).as("every log line names its service").isNotEmpty()
                .allMatch(line -> line.matches("\\S+ (INFO|WARN|ERROR): (alpha|beta|gamma): .*"));
        Map<String, PgCluster> clusters = Map.of("alpha", alpha.cluster(), "beta", beta.cluster(), "gamma",
                gamma.cluster());
        for (String service : SERVICES) {
            List<String> archives = controller.run(env, "list", service).stdout().lines().toList();
            assertThat(archives).hasSize(2).allMatch(name -> name.endsWith(".dump.zst"));
            Path dir = root.resolve("data").resolve(service);
            assertThat(toc(dir.resolve(archives.get(0)))).as(service).isEqualTo(toc(dir.resolve(archives.get(1))))
                    .isNotEmpty();
            PgCluster cluster = clusters.get(service);
            String original = SampleData.fingerprint(cluster);
            for (String archive : archives) {
                SampleData.damage(cluster);
                ControllerProcess.Run restore = controller.run(env, "restore", service, archive);
                assertThat(restore.exitCode()).as(restore.toString()).isZero();
                assertThat(SampleData.fingerprint(cluster)).as(service + " " + archive).isEqualTo(original);
            }
        }
    }

    @Test
    void restoreWithJobsGivesBackTheDataFromAParallelPgRestoreAndLeavesNoCopy() throws IOException {
        Path argv = PgWrappers.create(bin, Map.of());
        Map<String, String> env = env();
        env.put("PG_BIN_DIR", bin.toString());
        env.put("DATABASE_LIST", "alpha");
        PgCluster cluster = alpha.cluster();
        String original = SampleData.fingerprint(cluster);
        assertThat(controller.run(env, "dump", "alpha", "--shared").exitCode()).isZero();
        String archive = controller.run(env, "list", "alpha").stdout().strip();

        SampleData.damage(cluster);
        ControllerProcess.Run restore = controller.run(env, "restore", "alpha", archive, "--jobs", "3");
        assertThat(restore.exitCode()).as(restore.toString()).isZero();
        assertThat(SampleData.fingerprint(cluster)).isEqualTo(original);

        SampleData.damage(cluster);
        ControllerProcess.Run fromShared = controller.run(env, "restore-from-shared", "alpha", "--jobs", "2");
        assertThat(fromShared.exitCode()).as(fromShared.toString()).isZero();
        assertThat(SampleData.fingerprint(cluster)).isEqualTo(original);

        List<String> restores = Files.readAllLines(argv).stream().filter(l -> l.contains("/pg_restore ")
                && !l.contains("--file=/dev/null") && !l.endsWith("--version")).toList();
        assertThat(restores).hasSize(2);
        assertThat(restores.get(0)).contains("--jobs=3").doesNotContain("--single-transaction")
                .contains(root.resolve("data/alpha/.pgbackup/restore-tmp/alpha.dump").toString());
        assertThat(restores.get(1)).contains("--jobs=2");
        assertThat(root.resolve("data/alpha/.pgbackup/restore-tmp")).isEmptyDirectory();

        ControllerProcess.Run help = controller.run(env, "restore", "--help");
        assertThat(help.output()).contains("--jobs").contains("NOT all or").contains("nothing");
        ControllerProcess.Run bad = controller.run(env, "restore", "alpha", archive, "--jobs", "0");
        assertThat(bad.exitCode()).as(bad.toString()).isEqualTo(2);
        assertThat(bad.errorLines()).singleElement().asString().contains("--jobs takes a whole number of jobs, 1 or"
                + " more, not '0'");
    }

    /** The table of contents of a zstd-wrapped archive, without its header of times and versions. */
    private static List<String> toc(Path archive) {
        ProcessBuilder shell = new ProcessBuilder("bash", "-o", "pipefail", "-c",
                "plain=$(mktemp) && zstd -dcq -- \"$ARCHIVE\" > \"$plain\" && pg_restore --list \"$plain\"; rc=$?;"
                        + " rm -f \"$plain\"; exit $rc");
        shell.environment().put("ARCHIVE", archive.toString());
        shell.environment().put("PATH", PgCluster.serverBinaries() + ":" + System.getenv("PATH"));
        return Exec.run(shell, "").requireSuccess("pg_restore --list").stdout().lines()
                .filter(line -> !line.startsWith(";") && !line.isBlank()).toList();
    }

    /** How many wrapped {@code pg_dump}s ran at once, at most. */
    private static int mostAtOnce(Path times) throws IOException {
        Map<Long, Integer> events = new TreeMap<>();
        Map<String, Integer> seen = new HashMap<>();
        for (String line : Files.readAllLines(times)) {
            String[] parts = line.split(" ");
            events.merge(Long.parseLong(parts[2]), parts[0].equals("start") ? 1 : -1, Integer::sum);
            seen.merge(parts[0], 1, Integer::sum);
        }
        assertThat(seen).containsEntry("start", SERVICES.size()).containsEntry("end", SERVICES.size());
        int running = 0;
        int most = 0;
        List<Integer> steps = new ArrayList<>(events.values());
        for (int step : steps) {
            running += step;
            most = Math.max(most, running);
        }
        return most;
    }
}
