package org.pgbackup.storage.s3;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Adobe S3Mock, a second real S3 server, in a JVM of its own on the loopback address: it
 * implements S3's Object Lock API (a bucket's lock configuration, an object's retention),
 * which s3proxy does not. It does not check signatures, and it does not refuse to delete a
 * locked object (S3Mock's own documentation: it keeps no versions, so it cannot); tests use
 * it for what it does implement.
 */
public final class S3MockServer implements AutoCloseable {
    private static final Duration START = Duration.ofSeconds(90);

    private final Process process;
    private final int port;
    private final Path log;
    private final HttpClient http = HttpClient.newHttpClient();

    private S3MockServer(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts S3Mock from the jar in the {@code s3mock.jar} system property, and waits until it answers. */
    public static S3MockServer start() throws IOException, InterruptedException {
        Path jar = Path.of(System.getProperty("s3mock.jar", "missing"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: the build copies S3Mock there before the tests");
        }
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path log = Files.createTempFile("s3mock-", ".log");
        Process process = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m", "-jar", jar.toString(),
                "--com.adobe.testing.s3mock.httpPort=" + port, "--server.port=0", "--server.address=127.0.0.1"))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        S3MockServer server = new S3MockServer(process, port, log);
        Instant deadline = Instant.now().plus(START);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("S3Mock exited: " + Files.readString(log));
            }
            try {
                server.http.send(HttpRequest.newBuilder(URI.create(server.endpoint() + "/")).build(),
                        HttpResponse.BodyHandlers.discarding());
                return server;
            } catch (IOException e) {
                Thread.sleep(200);
            }
        }
        server.close();
        throw new IllegalStateException("S3Mock did not answer within " + START.toSeconds() + "s: "
                + Files.readString(log));
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** Creates a bucket, with Object Lock enabled or not, as {@code CreateBucket} does. */
    public S3MockServer bucket(String name, boolean objectLock) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(endpoint() + "/" + name))
                .PUT(HttpRequest.BodyPublishers.noBody());
        if (objectLock) {
            request.header("x-amz-bucket-object-lock-enabled", "true");
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("Creating bucket " + name + " answered " + response.statusCode() + ": "
                    + response.body());
        }
        return this;
    }

    /** Stores an object as a plain {@code PutObject} does, without a lock. */
    public void put(String bucket, String key, byte[] content) throws IOException, InterruptedException {
        send(HttpRequest.newBuilder(URI.create(endpoint() + "/" + bucket + "/" + key))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(content)), "storing " + key);
    }

    /** Locks an object until a date with {@code PutObjectRetention}, in governance mode. */
    public void retain(String bucket, String key, Instant until) throws IOException, InterruptedException {
        String body = "<Retention xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Mode>GOVERNANCE</Mode>"
                + "<RetainUntilDate>" + until + "</RetainUntilDate></Retention>";
        send(HttpRequest.newBuilder(URI.create(endpoint() + "/" + bucket + "/" + key + "?retention"))
                .PUT(HttpRequest.BodyPublishers.ofString(body)), "locking " + key);
    }

    /** The date the server holds an object locked until, read with {@code GetObjectRetention}; empty without a lock. */
    public Optional<Instant> retainUntil(String bucket, String key) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(endpoint() + "/" + bucket + "/"
                + key + "?retention")).build(), HttpResponse.BodyHandlers.ofString());
        Matcher date = Pattern.compile("<RetainUntilDate>([^<]+)</RetainUntilDate>").matcher(response.body());
        return response.statusCode() == 200 && date.find() ? Optional.of(Instant.parse(date.group(1)))
                : Optional.empty();
    }

    /** The keys under a prefix, sorted, from {@code ListObjectsV2}. */
    public List<String> keys(String bucket, String prefix) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(endpoint() + "/" + bucket
                + "?list-type=2&prefix=" + prefix)).build(), HttpResponse.BodyHandlers.ofString());
        Matcher key = Pattern.compile("<Key>([^<]+)</Key>").matcher(response.body());
        List<String> keys = new ArrayList<>();
        while (key.find()) {
            keys.add(key.group(1));
        }
        keys.sort(null);
        return keys;
    }

    private void send(HttpRequest.Builder request, String what) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IOException(what + " answered " + response.statusCode() + ": " + response.body());
        }
    }

    /** The {@code S3_*} variables that reach a bucket here, path style, no TLS. */
    public Map<String, String> environment(String bucket, String prefix, String... extra) {
        // S3Mock checks no signature; any key will do.
        return S3ProxyServer.environmentOf(endpoint(), "s3mock-access", "s3mock-secret", bucket, prefix, extra);
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor();
            Files.deleteIfExists(log);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // A temporary log left behind.
        }
    }
}
