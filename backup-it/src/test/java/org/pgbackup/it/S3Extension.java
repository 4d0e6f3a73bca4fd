package org.pgbackup.it;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.pgbackup.storage.s3.S3ProxyServer;

/** An in-process S3 server with one bucket, for the whole test class. */
final class S3Extension implements BeforeAllCallback, AfterAllCallback {
    private final String bucket;
    private S3ProxyServer server;

    S3Extension(String bucket) {
        this.bucket = bucket;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        server = S3ProxyServer.start().bucket(bucket);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (server != null) {
            server.close();
        }
    }

    S3ProxyServer server() {
        return server;
    }

    /** A cluster's controller variables with this bucket under {@code prefix}, and {@code BACKUP_TARGET}. */
    Map<String, String> env(ClusterExtension cluster, Path root, String prefix, String targets) {
        Map<String, String> env = cluster.env(root);
        env.putAll(server.environment(bucket, prefix));
        env.put("BACKUP_TARGET", targets);
        return env;
    }
}
