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
import org.pgbackup.storage.s3.S3ProxyServer;

/** Each way a dump can die, and each time nothing is lost: no partial archive listed, older archives intact. */
class FaultIT {
    private static final Duration BOUND = Duration.ofSeconds(60);

    @RegisterExtension
    ClusterExtension app = new ClusterExtension("app", "kate", "kate-pw", "app", 1000);
    static ControllerProcess controller = ControllerProcess.fromSystemProperty();

    @TempDir
    Path root;
    @TempDir
    Path output;

    private String dump(Map<String, String> env) {
        ControllerProcess.Run run = controller.run(env, "dump", "app");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        return run.stdout().lines().findFirst().orElseThrow().split(" ")[1];
    }

    private static List<String> files(Path dir) {
        return Trees.names(dir);
    }

    /** Starts a dump that waits, mid-dump, on a lock the test holds, and returns once it waits. */
    private ControllerProcess.Background dumpWaitingOnALock(Map<String, String> env) {
        ControllerProcess.Background dump = controller.start(output, env, "dump", "app");
        Waiting.until("pg_dump to wait for the table lock", BOUND, () -> app.cluster().controllerWaitsForLock(),
                dump::log);
        return dump;
    }

    private void assertOnlyTheOlderArchiveRemains(String older, byte[] olderBytes, ControllerProcess.Background dump)
            throws IOException {
        assertThat(dump.waitFor(BOUND)).as(dump.log()).isEqualTo(1);
        assertThat(dump.log().lines().filter(l -> l.startsWith("error:"))).singleElement().asString()
                .contains("pg_dump failed for service 'app'").contains("no archive was kept");
        assertThat(files(root.resolve("data/app"))).containsExactly(older, older + ".manifest.json",
                older + ".roles.sql");
        assertThat(root.resolve("data/app").resolve(older)).hasBinaryContent(olderBytes);
    }

    @Test
    void pgDumpKilledMidDumpKeepsNoArchiveAndTheOlderOnesIntact() throws Exception {
        String older = dump(app.env(root));
        byte[] olderBytes = Files.readAllBytes(root.resolve("data/app").resolve(older));
        try (AutoCloseable lock = app.cluster().holdLock("customers");
                ControllerProcess.Background dump = dumpWaitingOnALock(app.env(root))) {
            List<ProcessHandle> pgDumps = dump.handle().descendants()
                    .filter(p -> p.info().command().orElse("").endsWith("pg_dump")).toList();
            assertThat(pgDumps).hasSize(1);
            pgDumps.get(0).destroyForcibly();

            assertOnlyTheOlderArchiveRemains(older, olderBytes, dump);
        }
    }

    @Test
    void postgresStoppedMidDumpKeepsNoArchiveAndTheOlderOnesIntact() throws Exception {
        String older = dump(app.env(root));
        byte[] olderBytes = Files.readAllBytes(root.resolve("data/app").resolve(older));
        try (AutoCloseable lock = app.cluster().holdLock("customers");
                ControllerProcess.Background dump = dumpWaitingOnALock(app.env(root))) {
            app.cluster().stopImmediately();

            assertOnlyTheOlderArchiveRemains(older, olderBytes, dump);
        }
    }

    @Test
    void controllerKilledMidDumpLeavesNothingListedAndTheNextRunCleansUp(@TempDir Path bin) throws Exception {
        Path real = PgCluster.serverBinaries();
        Files.createSymbolicLink(bin.resolve("psql"), real.resolve("psql"));
        Files.createSymbolicLink(bin.resolve("pg_dumpall"), real.resolve("pg_dumpall"));
        Path pgDump = bin.resolve("pg_dump");
        // The archive is written, then pg_dump lingers: the controller is mid-dump, its files staged.
        Files.writeString(pgDump, "#!/bin/sh\nif [ \"$1\" = --version ]; then exec '" + real.resolve("pg_dump")
                + "' --version; fi\n'" + real.resolve("pg_dump") + "' \"$@\" || exit $?\nexec sleep 300\n");
        Files.setPosixFilePermissions(pgDump, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (S3ProxyServer s3 = S3ProxyServer.start().bucket("killed")) {
            Map<String, String> env = app.env(root);
            env.putAll(s3.environment("killed", "p"));
            env.put("BACKUP_TARGET", "local,s3");
            Map<String, String> slow = new java.util.HashMap<>(env);
            slow.put("PG_BIN_DIR", bin.toString());
            Path data = root.resolve("data/app");
            try (ControllerProcess.Background dump = controller.start(output, slow, "dump", "app")) {
                Waiting.until("a staged temporary file", BOUND, () -> Files.isDirectory(data) && files(data)
                        .stream().anyMatch(n -> n.startsWith(".tmp-")), dump::log);
                List<ProcessHandle> children = dump.handle().descendants().toList();
                dump.kill();
                dump.waitFor(BOUND);
                children.forEach(ProcessHandle::destroyForcibly);
            }
            assertThat(files(data)).singleElement().asString().startsWith(".tmp-");
            ControllerProcess.Run list = controller.run(env, "list", "app");
            assertThat(list.stdout()).isEmpty();
            assertThat(s3.keys("killed")).isEmpty();

            String next = dump(env);

            assertThat(files(data)).containsExactly(next, next + ".manifest.json", next + ".roles.sql");
            assertThat(s3.keys("killed")).containsExactly("p/app/" + next, "p/app/" + next + ".manifest.json",
                    "p/app/" + next + ".roles.sql");
        }
    }

    @Test
    void diskFullDuringADumpRemovesThePartialFileAndKeepsTheOlderArchive() throws Exception {
        Path data = Files.createDirectories(root.resolve("data"));
        Exec.run(new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=2m,mode=0700", "tmpfs", data.toString()),
                null).requireSuccess("mounting a 2 MiB tmpfs (the test needs root)");
        try {
            String older = dump(app.env(root));
            byte[] olderBytes = Files.readAllBytes(data.resolve("app").resolve(older));
            // Random bytes do not compress: this archive cannot fit in what is left.
            app.cluster().psql("CREATE EXTENSION IF NOT EXISTS pgcrypto; CREATE TABLE filler AS SELECT g AS id,"
                    + " gen_random_bytes(1024) AS data FROM generate_series(1, 4000) g;");

            ControllerProcess.Run full = controller.run(app.env(root), "dump", "app");

            assertThat(full.exitCode()).as(full.toString()).isEqualTo(1);
            assertThat(full.errorLines()).singleElement().asString().contains("No space left on device");
            assertThat(files(data.resolve("app"))).containsExactly(older, older + ".manifest.json",
                    older + ".roles.sql");
            assertThat(data.resolve("app").resolve(older)).hasBinaryContent(olderBytes);
        } finally {
            Exec.run(new ProcessBuilder("umount", data.toString()), null).requireSuccess("unmounting the tmpfs");
        }
    }
}
