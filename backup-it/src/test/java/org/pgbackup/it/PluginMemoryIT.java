package org.pgbackup.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.pgbackup.spi.Storage;
import org.pgbackup.spi.StoredObject;
import org.pgbackup.storage.azure.AzuriteServer;
import org.pgbackup.storage.sftp.SftpTestServer;

/**
 * A 1 GiB archive streams into each first-party plugin's store through the launcher with the
 * controller's heap at 64 MiB, sixteen times smaller; the controller's peak RSS, as GNU time
 * measures the whole process, is printed for each (a figure to read, not a goal: speed and
 * memory goals live in bench/run).
 */
class PluginMemoryIT {
    private static final long HEAP = 64L * 1024 * 1024;
    private static final long GIB = 1024L * 1024 * 1024;

    @RegisterExtension
    static ClusterExtension big = new ClusterExtension("big", "una", "una-pw", "big", 0);

    @TempDir
    static Path work;
    static SftpTestServer sftp;
    static AzuriteServer azurite;

    @TempDir
    Path root;

    @BeforeAll
    static void fillAndStart() {
        // Random bytes do not compress, so the archive is as large as the data: a little over 1 GiB.
        big.cluster().psql("""
                CREATE EXTENSION IF NOT EXISTS pgcrypto;
                CREATE TABLE IF NOT EXISTS blobs (id int PRIMARY KEY, data bytea);
                INSERT INTO blobs SELECT g, gen_random_bytes(1024) FROM generate_series(1, 1048576) g
                    ON CONFLICT DO NOTHING;
                """);
        sftp = SftpTestServer.start(work.resolve("sftp"));
        azurite = AzuriteServer.start(work.resolve("azure"));
        azurite.container("big");
    }

    @AfterAll
    static void stop() {
        sftp.close();
        azurite.close();
    }

    @ParameterizedTest(name = "BACKUP_TARGET={0}")
    @ValueSource(strings = {"sftp", "azure-blob"})
    void aOneGibArchiveStreamsIntoThePluginsStoreWithASixteenthOfItsSizeAsHeap(String id) throws IOException {
        Path plugins = root.resolve("plugins");
        Plugins.install(id.equals("sftp") ? "sftp.plugin.dir" : "azure.plugin.dir", plugins, id);
        Map<String, String> store = id.equals("sftp") ? sftp.environment("/memory")
                : azurite.environment("big", "memory-" + root.getFileName());
        Map<String, String> env = big.env(root.resolve("backup"));
        env.putAll(store);
        env.put("BACKUP_TARGET", id);
        env.put("JAVA_OPTS", "-Xmx64m");
        List<String> command = new ArrayList<>(List.of("/usr/bin/time", "-f", "peak-rss-kib %M",
                ContainerFilesIT.ROOT.resolve("controller").toString(), "dump", "big"));

        Exec.Result dump = Launcher.runCommand(command, plugins, env);

        assertThat(dump.exitCode()).as(dump.stdout() + dump.stderr()).isZero();
        long size;
        try (Storage storage = id.equals("sftp") ? SftpTestServer.storage(store) : AzuriteServer.storage(store)) {
            size = storage.list("big").stream().filter(o -> o.name().endsWith(".dump.zst"))
                    .mapToLong(StoredObject::size).sum();
        } catch (Exception e) {
            throw new IOException(e);
        }
        Matcher rss = Pattern.compile("peak-rss-kib (\\d+)").matcher(dump.stderr());
        assertThat(rss.find()).as(dump.stderr()).isTrue();
        System.out.printf("== Plugin memory: %s stored a %.2f GiB archive with a %d MiB heap; controller peak RSS %d"
                + " MiB%n", id, size / (double) GIB, HEAP >> 20, Long.parseLong(rss.group(1)) >> 10);
        assertThat(size).as("the archive is a whole GiB, sixteen heaps").isGreaterThan(GIB);
        if (id.equals("sftp")) {
            try (var files = Files.list(sftp.root().resolve("memory/big"))) {
                Path archive = files.filter(p -> p.toString().endsWith(".dump.zst")).findFirst().orElseThrow();
                assertThat(Files.size(archive)).as("the file on the server").isEqualTo(size);
            }
        }
    }
}
