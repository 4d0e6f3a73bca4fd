package org.pgbackup.it;

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
}
