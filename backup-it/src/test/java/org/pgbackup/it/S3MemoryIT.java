package org.pgbackup.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.pgbackup.storage.s3.S3ProxyServer;

/** An archive several times larger than the controller's heap streams into the bucket. */
class S3MemoryIT {
    private static final long HEAP = 64L * 1024 * 1024;

    @RegisterExtension
    static ClusterExtension big = new ClusterExtension("big", "ivan", "ivan-pw", "big", 0);
    static ControllerProcess controller = ControllerProcess.fromSystemProperty().withJvmOptions("-Xmx64m");

    @TempDir
    Path root;

    @Test
    void archiveLargerThanTheHeapStreamsToS3() {
        // Random bytes do not compress, so the archive is as large as the data.
        big.cluster().psql("""
                CREATE EXTENSION pgcrypto;
                CREATE TABLE blobs (id int PRIMARY KEY, data bytea);
                INSERT INTO blobs SELECT g, gen_random_bytes(1024) FROM generate_series(1, 200000) g;
                """);
        try (S3ProxyServer s3 = S3ProxyServer.start().bucket("big")) {
            Map<String, String> env = big.env(root);
            env.putAll(s3.environment("big", "memory"));
            env.put("BACKUP_TARGET", "s3");

            ControllerProcess.Run dump = controller.run(env, "dump", "big");

            assertThat(dump.exitCode()).as(dump.toString()).isZero();
            String key = s3.keys("big").get(0);
            long size = s3.blobStore().blobMetadata("big", key).getSize();
            System.out.println("Archive of " + size + " bytes streamed to S3 with a heap of " + HEAP + " bytes");
            assertThat(size).isGreaterThan(3 * HEAP);
        }
    }
}
