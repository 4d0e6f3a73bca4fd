package org.pgbackup.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code start} as a container runs it: a fast schedule against real clusters, stopped with SIGTERM. */
class StartIT {
    private static final Duration BOUND = Duration.ofSeconds(90);

    @RegisterExtension
    static ClusterExtension healthy = new ClusterExtension("healthy", "hana", "hana-pw", "app", 300);
    @RegisterExtension
    static ClusterExtension flaky = new ClusterExtension("flaky-db", "fred", "fred-pw", "app", 300);
    static ControllerProcess controller = ControllerProcess.fromSystemProperty();

    @TempDir
    Path root;
    @TempDir
    Path output;

    private Map<String, String> productionEnv(String schedule) {
        Map<String, String> env = healthy.env(root);
        env.putAll(flaky.cluster().serviceEnvironment("flaky-db"));
        env.put("DATABASE_LIST", "healthy,flaky-db");
        env.put("MODE", "production");
        env.put("DATABASES_ROOT", root.resolve("databases").toString());
        env.put("BACKUP_SCHEDULE", schedule);
        return env;
    }

    private static List<String> files(Path dir) {
        return Trees.names(dir);
    }

    private long archives(String service) {
        return files(root.resolve("data").resolve(service)).stream().filter(Trees::isArchive).count();
    }

    @Test
    void keepsRunningThroughAFailingServiceWhileTheHealthyOneKeepsGettingArchives() {
        try (ControllerProcess.Background start = controller.start(output, productionEnv("*/2 * * * * *"), "start")) {
            Waiting.until("both services to get an archive", BOUND,
                    () -> archives("healthy") >= 1 && archives("flaky-db") >= 1, start::log);
            flaky.cluster().stop();
            long before = archives("healthy");
            try {
                Waiting.until("a failed run of flaky-db and two more archives of healthy", BOUND,
                        () -> start.log().contains("flaky-db: run") && start.log().contains("result=failed")
                                && archives("healthy") >= before + 2, start::log);
                assertThat(start.alive()).isTrue();
                start.terminate();
                assertThat(start.waitFor(BOUND)).as(start.log()).isNotEqualTo(-1);
            } finally {
                flaky.cluster().start();
            }
            String log = start.log();
            assertThat(log).contains("Scheduled dumps of healthy, flaky-db on '*/2 * * * * *'")
                    .contains("Next run at ").contains("Scheduled dumps stopped");
            assertThat(log.lines().filter(l -> l.contains("healthy: run") && l.contains("result=ok")))
                    .allSatisfy(l -> assertThat(l).containsPattern("kind=(daily|weekly|monthly) archive=file_\\S+\\.dump\\.zst"
                            + " size=\\d+ duration=\\d+\\.\\ds result=ok")).hasSizeGreaterThanOrEqualTo(3);
            assertThat(log.lines().filter(l -> l.contains("flaky-db: run") && l.contains("result=failed")))
                    .allSatisfy(l -> assertThat(l).contains("Cannot connect to service 'flaky-db'")).isNotEmpty();
        }
    }

    /** A pg_dump that writes its whole archive, then lingers, so a dump is in progress for as long as needed. */
    private Path slowPgDump(Path bin, int lingerSeconds) throws IOException {
        Path real = PgCluster.serverBinaries();
        Path pgDump = bin.resolve("pg_dump");
        Files.writeString(pgDump, "#!/bin/sh\nif [ \"$1\" = --version ]; then exec '" + real.resolve("pg_dump")
                + "' --version; fi\necho $$ > '" + bin.resolve("pg_dump.pid") + "'\n'" + real.resolve("pg_dump")
                + "' \"$@\" || exit $?\nexec sleep " + lingerSeconds + "\n");
        Files.setPosixFilePermissions(pgDump, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createSymbolicLink(bin.resolve("psql"), real.resolve("psql"));
        return bin.resolve("pg_dump.pid");
    }

    private static void awaitDumpInProgress(ControllerProcess.Background start, Path pidFile, Path data) {
        Waiting.until("a dump in progress with its temporary file", BOUND,
                () -> Files.exists(pidFile) && files(data).stream().anyMatch(n -> n.startsWith(".tmp-")), start::log);
    }

    private Map<String, String> slowEnv(Path bin, int graceSeconds) {
        Map<String, String> env = healthy.env(root);
        env.put("MODE", "production");
        env.put("DATABASES_ROOT", root.resolve("databases").toString());
        env.put("BACKUP_SCHEDULE", "* * * * * *");
        env.put("PG_BIN_DIR", bin.toString());
        env.put("STOP_GRACE_SECONDS", Integer.toString(graceSeconds));
        return env;
    }

    @Test
    void sigtermMidDumpAbortsAfterTheGraceLeavingNoPartialArchiveAndNoChildProcess(@TempDir Path bin)
            throws IOException {
        Path pidFile = slowPgDump(bin, 600);
        Path data = root.resolve("data/healthy");
        try (ControllerProcess.Background start = controller.start(output, slowEnv(bin, 1), "start")) {
            awaitDumpInProgress(start, pidFile, data);
            long pid = Long.parseLong(Files.readString(pidFile).strip());
            assertThat(ProcessHandle.of(pid)).isPresent();

            start.terminate();

            assertThat(start.waitFor(BOUND)).as(start.log()).isNotEqualTo(-1);
            assertThat(files(data)).as("no archive and no temporary file").isEmpty();
            assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).as("pg_dump was stopped").isEmpty();
            assertThat(start.log()).contains("did not finish within 1s: aborting it")
                    .contains("healthy: run").contains("result=failed");
        }
    }

    @Test
    void aDumpThatFinishesWithinTheGraceIsKept(@TempDir Path bin) throws IOException {
        Path pidFile = slowPgDump(bin, 3);
        Path data = root.resolve("data/healthy");
        try (ControllerProcess.Background start = controller.start(output, slowEnv(bin, 60), "start")) {
            awaitDumpInProgress(start, pidFile, data);

            start.terminate();

            assertThat(start.waitFor(BOUND)).as(start.log()).isNotEqualTo(-1);
            assertThat(files(data)).as(start.log()).hasSize(2).allSatisfy(n -> assertThat(n).startsWith("file_"))
                    .anySatisfy(n -> assertThat(n).endsWith(".dump.zst.manifest.json"));
            assertThat(start.log()).contains("result=ok").doesNotContain("aborting");
        }
    }

    @Test
    void outsideProductionItStaysUpDumpsNothingAndSaysWhy() {
        Map<String, String> env = healthy.env(root);
        env.put("BACKUP_SCHEDULE", "* * * * * *");
        try (ControllerProcess.Background start = controller.start(output, env, "start")) {
            Waiting.until("the log to say dumps are off", BOUND,
                    () -> start.log().contains("Scheduled dumps are off: MODE is not production"), start::log);
            assertThat(start.alive()).isTrue();

            start.terminate();

            assertThat(start.waitFor(BOUND)).as(start.log()).isNotEqualTo(-1);
            assertThat(files(root.resolve("data/healthy"))).isEmpty();
        }
    }
}
