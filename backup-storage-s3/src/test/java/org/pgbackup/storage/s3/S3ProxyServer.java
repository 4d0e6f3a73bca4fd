package org.pgbackup.storage.s3;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;

/**
 * A real S3 server in the test JVM: s3proxy on the loopback address, checking AWS v4
 * signatures, keeping objects on disk with its filesystem backend. Tests talk to it as the
 * controller talks to any S3-compatible store.
 */
public final class S3ProxyServer implements AutoCloseable {
    public static final String ACCESS_KEY = "test-access-key";

    private final Path directory;
    private final BlobStoreContext context;
    private final S3Proxy proxy;
    private final String secretKey = "test-secret-" + UUID.randomUUID();

    private S3ProxyServer(Path directory) throws Exception {
        this.directory = directory;
        Properties properties = new Properties();
        properties.setProperty("jclouds.filesystem.basedir", directory.toString());
        context = ContextBuilder.newBuilder("filesystem").credentials(ACCESS_KEY, secretKey).overrides(properties)
                .build(BlobStoreContext.class);
        proxy = S3Proxy.builder().blobStore(context.getBlobStore())
                .awsAuthentication(AuthenticationType.AWS_V4, ACCESS_KEY, secretKey)
                .endpoint(URI.create("http://127.0.0.1:0")).build();
        proxy.start();
        while (!proxy.getState().equals(AbstractLifeCycle.STARTED)) {
            Thread.sleep(10);
        }
    }

    /** Starts a server keeping its objects in a new temporary directory. */
    public static S3ProxyServer start() {
        try {
            return new S3ProxyServer(Files.createTempDirectory("s3proxy-"));
        } catch (Exception e) {
            throw new IllegalStateException("s3proxy did not start", e);
        }
    }

    /** Creates a bucket, if it does not exist. */
    public S3ProxyServer bucket(String name) {
        context.getBlobStore().createContainerInLocation(null, name);
        return this;
    }

    public BlobStore blobStore() {
        return context.getBlobStore();
    }

    public int port() {
        return proxy.getPort();
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port();
    }

    public String secretKey() {
        return secretKey;
    }

    /**
     * The {@code S3_*} variables that reach this server's bucket, path style, no TLS.
     *
     * @param extra more variables, as name-value pairs, overriding these
     */
    public Map<String, String> environment(String bucket, String prefix, String... extra) {
        return environmentOf(endpoint(), ACCESS_KEY, secretKey, bucket, prefix, extra);
    }

    /** The {@code S3_*} variables that reach a bucket of a server on the loopback address, path style, no TLS. */
    static Map<String, String> environmentOf(String endpoint, String accessKey, String secretKey, String bucket,
            String prefix, String... extra) {
        Map<String, String> env = new HashMap<>();
        env.put("S3_BUCKET", bucket);
        env.put("S3_PREFIX", prefix);
        env.put("S3_ENDPOINT", endpoint);
        env.put("S3_REGION", "us-east-1");
        env.put("S3_ACCESS_KEY_ID", accessKey);
        env.put("S3_SECRET_ACCESS_KEY", secretKey);
        env.put("S3_FORCE_PATH_STYLE", "true");
        for (int i = 0; i < extra.length; i += 2) {
            env.put(extra[i], extra[i + 1]);
        }
        return env;
    }

    /** A storage of the S3 provider, made from variables as the controller makes it. */
    public static org.pgbackup.spi.Storage storage(Map<String, String> env) {
        return org.pgbackup.storage.testkit.StorageProviderContract.storageOf(new S3StorageProvider(), env);
    }

    /** Every key in a bucket, for asserting what exists. */
    public java.util.List<String> keys(String bucket) {
        java.util.List<String> keys = new java.util.ArrayList<>();
        String marker = null;
        do {
            var page = context.getBlobStore().list(bucket, org.jclouds.blobstore.options.ListContainerOptions.Builder
                    .recursive().afterMarker(marker == null ? "" : marker));
            page.forEach(m -> {
                if (m.getType() == org.jclouds.blobstore.domain.StorageType.BLOB) {
                    keys.add(m.getName());
                }
            });
            marker = page.getNextMarker();
        } while (marker != null);
        java.util.Collections.sort(keys);
        return keys;
    }

    @Override
    public void close() {
        try {
            proxy.stop();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            context.close();
            deleteTree(directory);
        }
    }

    private static void deleteTree(Path root) {
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
