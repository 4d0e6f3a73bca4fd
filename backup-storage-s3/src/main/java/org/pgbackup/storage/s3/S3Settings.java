package org.pgbackup.storage.s3;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.pgbackup.spi.Settings;

/**
 * The {@code S3_*} settings of the specification, plus {@code S3_PART_SIZE_MB}, read and
 * checked together so that every problem is reported at once, each naming its variable.
 *
 * @param bucket {@code S3_BUCKET}
 * @param prefix {@code S3_PREFIX} without leading, trailing or doubled slashes; may be empty
 * @param region {@code S3_REGION}, or empty to let the client ask the bucket
 * @param endpoint the endpoint URL with its scheme: {@code S3_ENDPOINT} (AWS when unset), with
 *     {@code S3_USE_TLS} deciding the scheme only when the endpoint has none
 * @param accessKey {@code S3_ACCESS_KEY_ID}
 * @param secretKey {@code S3_SECRET_ACCESS_KEY}; never shown by {@link #toString()}
 * @param sessionToken {@code S3_SESSION_TOKEN}, or empty; never shown
 * @param pathStyle {@code S3_FORCE_PATH_STYLE=true}: path-style requests; otherwise virtual-host style
 * @param storageClass {@code S3_STORAGE_CLASS}, or empty for the bucket's default
 * @param maxRetries {@code S3_MAX_RETRIES}: how many times a failed request is tried again
 * @param partSize the size of each uploaded part in bytes, from {@code S3_PART_SIZE_MB}
 * @param sse {@code S3_SSE}: server-side encryption asked of the bucket, {@code AES256} or
 *     {@code aws:kms}; empty for the bucket's default
 * @param sseKmsKeyId {@code S3_SSE_KMS_KEY_ID}: the KMS key for {@code aws:kms}; empty for the
 *     account's default key
 * @param objectLock {@code S3_OBJECT_LOCK}: {@code GOVERNANCE} or {@code COMPLIANCE} to lock
 *     every object stored until retention would delete it; empty for no locks
 * @param lockGrace {@code S3_OBJECT_LOCK_GRACE} (default one day): how long a lock outlasts
 *     the moment retention would delete its object
 */
public record S3Settings(String bucket, String prefix, Optional<String> region, URI endpoint, String accessKey,
        String secretKey, Optional<String> sessionToken, boolean pathStyle, Optional<String> storageClass,
        int maxRetries, int partSize, Optional<String> sse, Optional<String> sseKmsKeyId,
        Optional<String> objectLock, Duration lockGrace) {

    /** The endpoint when {@code S3_ENDPOINT} is unset. */
    public static final String AWS_ENDPOINT = "s3.amazonaws.com";
    /** S3 allows at most this many parts in one upload, so the part size caps an archive's size. */
    public static final int MAX_PARTS = 10_000;
    static final int DEFAULT_PART_SIZE_MB = 16;
    static final Duration DEFAULT_LOCK_GRACE = Duration.ofDays(1);

    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern STORAGE_CLASS = Pattern.compile("[A-Z][A-Z_]*");

    /**
     * Reads the settings, or returns the problems found.
     *
     * @param problems receives one sentence per problem
     * @return the settings, or empty when a problem was found
     */
    static Optional<S3Settings> read(Map<String, String> env, List<String> problems) {
        int before = problems.size();
        Settings variables = new Settings(env, problems);
        String bucket = variables.text("S3_BUCKET").orElse(null);
        if (bucket == null) {
            variables.problem("S3_BUCKET is empty: set it to the bucket that receives the archives (BACKUP_TARGET"
                    + " includes s3)");
        } else if (!BUCKET.matcher(bucket).matches() || bucket.contains("..")) {
            variables.invalid("S3_BUCKET", "a bucket name: 3 to 63 lower-case letters, digits, '.' and '-'", bucket);
        }
        String accessKey = variables.text("S3_ACCESS_KEY_ID").orElse(null);
        if (accessKey == null) {
            variables.problem("S3_ACCESS_KEY_ID is empty: set the access key of the bucket's credentials");
        }
        // A secret is taken as given, spaces included; the message never shows it.
        String secretKey = env.get("S3_SECRET_ACCESS_KEY");
        if (secretKey == null || secretKey.isBlank()) {
            variables.problem("S3_SECRET_ACCESS_KEY is empty: set the secret key of the bucket's credentials");
        }
        boolean tls = variables.bool("S3_USE_TLS", true);
        boolean pathStyle = variables.bool("S3_FORCE_PATH_STYLE", false);
        URI endpoint = endpoint(variables.text("S3_ENDPOINT").orElse(AWS_ENDPOINT), tls, variables);
        Optional<String> storageClass = variables.text("S3_STORAGE_CLASS");
        if (storageClass.isPresent() && !STORAGE_CLASS.matcher(storageClass.get()).matches()) {
            variables.invalid("S3_STORAGE_CLASS", "a storage class such as STANDARD or STANDARD_IA", storageClass.get());
        }
        int retries = (int) variables.whole("S3_MAX_RETRIES", 0, 0, 100, "a whole number from 0 to 100");
        int partMb = (int) variables.whole("S3_PART_SIZE_MB", DEFAULT_PART_SIZE_MB, 5, 4096,
                "a whole number of MiB from 5 to 4096");
        Optional<String> sse = variables.text("S3_SSE");
        if (sse.isPresent() && !sse.get().equals("AES256") && !sse.get().equals("aws:kms")) {
            variables.invalid("S3_SSE", "AES256 or aws:kms", sse.get());
        }
        Optional<String> kmsKey = variables.text("S3_SSE_KMS_KEY_ID");
        if (kmsKey.isPresent() && !sse.equals(Optional.of("aws:kms"))) {
            variables.problem("S3_SSE_KMS_KEY_ID is set but S3_SSE is not aws:kms: set S3_SSE=aws:kms, or unset the"
                    + " key id");
        }
        if (sse.equals(Optional.of("aws:kms")) && !"https".equals(endpoint.getScheme())) {
            variables.problem("S3_SSE=aws:kms needs an https endpoint (S3 refuses KMS requests over plain HTTP):"
                    + " set S3_USE_TLS=true or an https:// S3_ENDPOINT");
        }
        Optional<String> lock = variables.text("S3_OBJECT_LOCK").map(mode -> mode.toUpperCase(Locale.ROOT));
        if (lock.isPresent() && !lock.get().equals("GOVERNANCE") && !lock.get().equals("COMPLIANCE")) {
            variables.invalid("S3_OBJECT_LOCK", "governance or compliance", variables.text("S3_OBJECT_LOCK").get());
        }
        Duration grace = variables.duration("S3_OBJECT_LOCK_GRACE", DEFAULT_LOCK_GRACE);
        if (problems.size() > before) {
            return Optional.empty();
        }
        return Optional.of(new S3Settings(bucket, normalisePrefix(env.getOrDefault("S3_PREFIX", "")),
                variables.text("S3_REGION"), endpoint, accessKey, secretKey, variables.text("S3_SESSION_TOKEN"),
                pathStyle, storageClass, retries, partMb * 1024 * 1024, sse, kmsKey, lock, grace));
    }

    /** {@code /a//b/} and {@code a/b} both become {@code a/b}; only slashes make an empty prefix. */
    static String normalisePrefix(String prefix) {
        List<String> parts = new ArrayList<>();
        for (String part : prefix.trim().split("/")) {
            if (!part.isEmpty()) {
                parts.add(part);
            }
        }
        return String.join("/", parts);
    }

    /** The key of an object: {@code <prefix>/<service>/<name>}. */
    String key(String service, String name) {
        return servicePrefix(service) + name;
    }

    /** Every key of a service starts with this, slash included, so {@code app} never lists {@code app2}. */
    String servicePrefix(String service) {
        return (prefix.isEmpty() ? "" : prefix + "/") + service + "/";
    }

    /** The largest archive the part size allows. */
    long maxObjectSize() {
        return (long) partSize * MAX_PARTS;
    }

    private static URI endpoint(String raw, boolean tls, Settings variables) {
        String withScheme = raw.contains("://") ? raw : (tls ? "https://" : "http://") + raw;
        try {
            URI uri = new URI(withScheme);
            String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null
                    && (uri.getPath() == null || uri.getPath().isEmpty() || uri.getPath().equals("/"))) {
                return uri;
            }
        } catch (URISyntaxException | NullPointerException e) {
            // Reported below.
        }
        variables.invalid("S3_ENDPOINT", "a host, host:port or http(s)://host[:port], such as"
                + " https://minio.internal:9000", raw);
        return URI.create("https://" + AWS_ENDPOINT);
    }

    /** Where archives go, for logs: {@code s3://bucket/prefix at endpoint}. */
    String describe() {
        return "s3://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix) + " at " + endpoint;
    }

    @Override
    public String toString() {
        return "S3Settings[" + describe() + ", region=" + region.orElse("(asked of the bucket)") + ", accessKey="
                + accessKey + ", secretKey=****, sessionToken=" + (sessionToken.isPresent() ? "****" : "(none)")
                + ", pathStyle=" + pathStyle + ", storageClass=" + storageClass.orElse("(default)") + ", maxRetries="
                + maxRetries + ", partSize=" + partSize + ", sse=" + sse.orElse("(bucket default)") + ", objectLock="
                + objectLock.map(mode -> mode + " + " + lockGrace).orElse("(none)") + "]";
    }
}
