package org.pgbackup.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pgbackup.storage.testkit.ByteCountingProxy;
import org.pgbackup.storage.testkit.StorageContract;
import org.pgbackup.spi.PendingObject;
import org.pgbackup.spi.Storage;

/** The storage contract against a real S3 server, plus what only S3 has: keys, parts, aborts. */
class S3StorageTest extends StorageContract {
    static S3ProxyServer server;
    static ByteCountingProxy counting;

    @BeforeAll
    static void startServer() throws IOException {
        server = S3ProxyServer.start();
        counting = new ByteCountingProxy("127.0.0.1", server.port());
    }

    @AfterAll
    static void stopServer() throws IOException {
        counting.close();
        server.close();
    }

    static Storage storage(Map<String, String> env) {
        return S3ProxyServer.storage(env);
    }

    static Map<String, String> env(String bucket, String prefix, String... extra) {
        return server.environment(bucket, prefix, extra);
    }

    @Override
    protected Storage newStorage() {
        String bucket = "contract-" + UUID.randomUUID().toString().substring(0, 8);
        server.bucket(bucket);
        // The smallest part size S3 allows, so the contract's 12 MiB object takes the multipart path;
        // through the counting proxy, for the streaming check.
        return storage(env(bucket, "projects/contract", "S3_PART_SIZE_MB", "5", "S3_ENDPOINT",
                "http://127.0.0.1:" + counting.port()));
    }

    @Override
    protected long bytesReceived() {
        return counting.bytesSent();
    }

    @Override
    protected Storage unreachableStorage() throws IOException {
        try (java.net.ServerSocket closed = new java.net.ServerSocket(0)) {
            return storage(env("unreachable", "p", "S3_ENDPOINT", "http://127.0.0.1:" + closed.getLocalPort()));
        }
    }

    @Test
    void keysFollowThePrefixServiceNameLayoutWhateverTheSlashes() throws IOException {
        server.bucket("layout");
        for (String prefix : List.of("/sites/prod-blog/", "sites//prod-blog", "sites/prod-blog")) {
            try (Storage s = storage(env("layout", prefix)); PendingObject o = s.create("users", "a.dump")) {
                o.output().write(1);
                o.commit();
            }
        }
        try (Storage s = storage(env("layout", "/")); PendingObject o = s.create("users", "b.dump")) {
            o.output().write(1);
            o.commit();
        }
        assertThat(server.keys("layout")).containsExactly("sites/prod-blog/users/a.dump", "users/b.dump");
    }

    @Test
    void anotherPrefixInTheSameBucketIsNeverListedOrDeleted() throws IOException {
        server.bucket("shared-bucket");
        try (Storage ours = storage(env("shared-bucket", "ours")); Storage theirs = storage(env("shared-bucket",
                "ours-too"))) {
            try (PendingObject o = theirs.create("users", "x.dump")) {
                o.output().write(1);
                o.commit();
            }
            assertThat(ours.list("users")).isEmpty();
            ours.delete("users", "x.dump");
            assertThat(theirs.list("users")).hasSize(1);
        }
    }

    @Test
    void abortedMultipartUploadLeavesNoObjectAndNoPendingUpload() throws IOException {
        server.bucket("aborts");
        try (Storage s = storage(env("aborts", "p", "S3_PART_SIZE_MB", "5"))) {
            byte[] chunk = new byte[1024 * 1024];
            new Random(7).nextBytes(chunk);
            try (PendingObject o = s.create("users", "big.dump")) {
                for (int i = 0; i < 11; i++) {
                    o.output().write(chunk);
                }
            }
            assertThat(s.list("users")).isEmpty();
        }
        assertThat(server.keys("aborts")).isEmpty();
    }

    @Test
    void serverSideEncryptionHeadersReachTheServerOnSingleAndMultipartUploads() throws IOException {
        server.bucket("sse");
        try (FaultyProxy proxy = new FaultyProxy(server.port(), 0, FaultyProxy.Fault.DROP);
                Storage s = storage(env("sse", "", "S3_ENDPOINT", proxy.endpoint(), "S3_SSE", "AES256",
                        "S3_PART_SIZE_MB", "5"))) {
            for (int size : new int[] {10, 11 * 1024 * 1024}) {
                try (PendingObject o = s.create("users", "a-" + size + ".dump")) {
                    o.output().write(new byte[size]);
                    o.commit();
                }
            }
            String requests = proxy.requests().toLowerCase(java.util.Locale.ROOT);
            assertThat(requests).contains("put /sse/users/a-10.dump ").contains("post /sse/users/a-11534336.dump?uploads");
            // One single upload and one multipart start, each asking for AES256.
            assertThat(requests.split("x-amz-server-side-encryption: aes256", -1)).hasSize(3);
        }
        assertThat(server.keys("sse")).containsExactly("users/a-10.dump", "users/a-11534336.dump");
    }

    @Test
    void kmsEncryptionHeadersNameTheKey() {
        List<String> problems = new java.util.ArrayList<>();
        S3Settings settings = S3Settings.read(Map.of("S3_BUCKET", "b-1", "S3_ACCESS_KEY_ID", "a", "S3_SECRET_ACCESS_KEY",
                "s", "S3_SSE", "aws:kms", "S3_SSE_KMS_KEY_ID", "arn:aws:kms:eu-west-1:1:key/k1"), problems)
                .orElseThrow();
        assertThat(new S3Storage(settings).uploadHeaders().entries()).extracting(Map.Entry::getKey, Map.Entry::getValue)
                .contains(org.assertj.core.groups.Tuple.tuple("X-Amz-Server-Side-Encryption", "aws:kms"),
                        org.assertj.core.groups.Tuple.tuple("X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id",
                                "arn:aws:kms:eu-west-1:1:key/k1"));
    }

    @Test
    void storageClassIsSentWithUploads() throws IOException {
        server.bucket("classes");
        try (Storage s = storage(env("classes", "", "S3_STORAGE_CLASS", "STANDARD_IA"));
                PendingObject o = s.create("users", "a.dump")) {
            o.output().write(new byte[10]);
            o.commit();
        }
        assertThat(server.keys("classes")).containsExactly("users/a.dump");
    }

    @Test
    void wrongSecretSaysWhatToCheckWithoutTheSecret() {
        server.bucket("secrets");
        Storage s = storage(env("secrets", "", "S3_SECRET_ACCESS_KEY", "wrong-secret-value-123"));
        assertThatThrownBy(() -> s.list("users")).isInstanceOf(IOException.class)
                .hasMessageContaining("SignatureDoesNotMatch").hasMessageContaining("S3_SECRET_ACCESS_KEY")
                .hasMessageContaining("S3_REGION").hasMessageContaining("clock")
                .hasMessageContaining("S3_FORCE_PATH_STYLE")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("wrong-secret-value-123")
                        .doesNotContain(server.secretKey()));
    }

    @Test
    void missingBucketIsNamed() {
        Storage s = storage(env("no-such-bucket", ""));
        assertThatThrownBy(() -> s.list("users")).isInstanceOf(IOException.class)
                .hasMessageContaining("the bucket 'no-such-bucket' does not exist");
    }

    @Test
    void readsBackWhatItWrote() throws IOException {
        server.bucket("reads");
        try (Storage s = storage(env("reads", "x"))) {
            try (PendingObject o = s.create("users", "a.dump")) {
                o.output().write("hello".getBytes());
                o.commit();
            }
            try (InputStream in = s.open("users", "a.dump")) {
                assertThat(in.readAllBytes()).isEqualTo("hello".getBytes());
            }
        }
    }
}
