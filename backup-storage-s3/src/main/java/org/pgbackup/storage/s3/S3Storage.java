package org.pgbackup.storage.s3;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.google.common.collect.HashMultimap;
import com.google.common.collect.Multimap;
import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MinioAsyncClient;
import io.minio.ServerSideEncryption;
import io.minio.ServerSideEncryptionKms;
import io.minio.ServerSideEncryptionS3;
import io.minio.RemoveObjectArgs;
import io.minio.Result;
import io.minio.credentials.StaticProvider;
import io.minio.messages.Item;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import org.pgbackup.spi.ObjectLocks;
import org.pgbackup.spi.PendingObject;
import org.pgbackup.spi.Storage;
import org.pgbackup.spi.StoredObject;

/**
 * Objects in an S3-compatible bucket under {@code <prefix>/<service>/<name>}. Every
 * operation looks only below its service's own prefix, slash included, so neither another
 * service nor another project's keys in the same bucket are ever listed or deleted.
 */
final class S3Storage implements Storage {
    private final S3Settings settings;
    private final MinioAsyncClient client;
    private final OkHttpClient http;
    private final Optional<S3ObjectLocks> locks;

    S3Storage(S3Settings settings) {
        this.settings = settings;
        this.http = new OkHttpClient.Builder()
                .retryOnConnectionFailure(false)
                .addInterceptor(new RetryInterceptor(settings.maxRetries()))
                .connectTimeout(Duration.ofSeconds(30))
                .readTimeout(Duration.ofMinutes(5))
                .writeTimeout(Duration.ofMinutes(5))
                .build();
        MinioAsyncClient.Builder builder = MinioAsyncClient.builder()
                .endpoint(settings.endpoint().toString())
                .credentialsProvider(new StaticProvider(settings.accessKey(), settings.secretKey(),
                        settings.sessionToken().orElse(null)))
                .httpClient(http, true);
        settings.region().ifPresent(builder::region);
        this.client = builder.build();
        // The specification: virtual-host style unless S3_FORCE_PATH_STYLE=true, for AWS and others alike.
        if (settings.pathStyle()) {
            client.disableVirtualStyleEndpoint();
        } else {
            client.enableVirtualStyleEndpoint();
        }
        this.locks = settings.objectLock().map(mode -> new S3ObjectLocks(this));
    }

    @Override
    public String describe() {
        return settings.describe();
    }

    MinioAsyncClient client() {
        return client;
    }

    S3Settings settings() {
        return settings;
    }

    /**
     * Headers every upload carries, single or multipart: the storage class and server-side
     * encryption, when set. The encryption headers come from minio-java's own types.
     */
    Multimap<String, String> uploadHeaders() {
        Multimap<String, String> headers = HashMultimap.create();
        settings.storageClass().ifPresent(c -> headers.put("X-Amz-Storage-Class", c));
        sse().ifPresent(sse -> sse.headers().forEach(headers::put));
        return headers;
    }

    private Optional<ServerSideEncryption> sse() {
        if (settings.sse().isEmpty()) {
            return Optional.empty();
        }
        if (settings.sse().get().equals("AES256")) {
            return Optional.of(new ServerSideEncryptionS3());
        }
        try {
            return Optional.of(new ServerSideEncryptionKms(settings.sseKmsKeyId().orElse(null), null));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("An empty KMS context always serialises", e);
        }
    }

    @Override
    public PendingObject create(String service, String name) throws IOException {
        Storage.checkNames(service, name);
        return new S3Upload(this, settings.key(service, name));
    }

    @Override
    public InputStream open(String service, String name) throws IOException {
        Storage.checkNames(service, name);
        String key = settings.key(service, name);
        return Await.result(settings, "reading " + key, () -> client.getObject(GetObjectArgs.builder()
                .bucket(settings.bucket()).object(key).build()));
    }

    @Override
    public List<String> directories(String service) throws IOException {
        Storage.checkNames(service, null);
        String prefix = settings.servicePrefix(service);
        List<String> names = new ArrayList<>();
        for (Item item : listing(prefix)) {
            String name = item.objectName().substring(prefix.length());
            if (item.isDir() && name.endsWith("/") && name.length() > 1) {
                names.add(name.substring(0, name.length() - 1));
            }
        }
        names.sort(null);
        return names;
    }

    @Override
    public List<StoredObject> list(String service) throws IOException {
        Storage.checkNames(service, null);
        String prefix = settings.servicePrefix(service);
        List<StoredObject> objects = new ArrayList<>();
        for (Item item : listing(prefix)) {
            String name = item.objectName().substring(prefix.length());
            if (item.isDir() || name.isEmpty() || name.contains("/")) {
                continue;
            }
            Instant modified = item.lastModified() == null ? Instant.EPOCH : item.lastModified().toInstant();
            objects.add(new StoredObject(name, item.size(), modified));
        }
        objects.sort(Comparator.comparing(StoredObject::name));
        return objects;
    }

    /** One level below a prefix: its objects, and its "directories" as prefixes that end in a slash. */
    private List<Item> listing(String prefix) throws IOException {
        List<Item> items = new ArrayList<>();
        try {
            for (Result<Item> result : client.listObjects(ListObjectsArgs.builder().bucket(settings.bucket())
                    .prefix(prefix).delimiter("/").recursive(false).build())) {
                items.add(result.get());
            }
        } catch (IOException | RuntimeException | java.security.GeneralSecurityException
                | io.minio.errors.MinioException e) {
            throw S3Errors.describe(e, "listing " + prefix, settings);
        }
        return items;
    }

    @Override
    public void delete(String service, String name) throws IOException {
        Storage.checkNames(service, name);
        String key = settings.key(service, name);
        if (locks.isPresent()) {
            deleteVersions(key);
            return;
        }
        Await.result(settings, "deleting " + key, () -> client.removeObject(RemoveObjectArgs.builder()
                .bucket(settings.bucket()).object(key).build()));
    }

    /**
     * Removes every version of a key: a bucket with Object Lock keeps versions, and a plain
     * delete would only hide the archive behind a delete marker while it still takes space.
     * A version still locked makes the server refuse, and the error says so.
     */
    private void deleteVersions(String key) throws IOException {
        List<String> versions = new ArrayList<>();
        try {
            for (Result<Item> result : client.listObjects(ListObjectsArgs.builder().bucket(settings.bucket())
                    .prefix(key).includeVersions(true).recursive(false).build())) {
                Item item = result.get();
                if (item.objectName().equals(key)) {
                    versions.add(item.versionId());
                }
            }
        } catch (IOException | RuntimeException | java.security.GeneralSecurityException
                | io.minio.errors.MinioException e) {
            throw S3Errors.describe(e, "listing the versions of " + key, settings);
        }
        for (String version : versions) {
            // A bucket that never had versioning lists the single version as "null".
            String id = version == null || version.equals("null") ? null : version;
            Await.result(settings, "deleting " + key + (id == null ? "" : " version " + id), () -> client
                    .removeObject(RemoveObjectArgs.builder().bucket(settings.bucket()).object(key).versionId(id)
                            .build()));
        }
    }

    @Override
    public Optional<ObjectLocks> objectLocks() {
        return locks.map(l -> l);
    }

    @Override
    public void close() {
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
        try {
            http.dispatcher().executorService().awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
