package org.pgbackup.storage.s3;

import com.google.common.collect.HashMultimap;
import com.google.common.collect.Multimap;
import io.minio.GetObjectLockConfigurationArgs;
import io.minio.GetObjectRetentionArgs;
import io.minio.SetObjectRetentionArgs;
import io.minio.errors.ErrorResponseException;
import io.minio.messages.Retention;
import io.minio.messages.RetentionMode;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.pgbackup.spi.ObjectLocks;
import org.pgbackup.spi.PendingObject;
import org.pgbackup.spi.Storage;

/**
 * S3 Object Lock ({@code S3_OBJECT_LOCK=governance|compliance}): every object is uploaded
 * with its lock's mode and date, so it is protected from the moment it exists, and the lock
 * is then set again through the retention API, which both moves locks on and makes sure of a
 * lock on servers that ignore the upload's headers. Deleting removes every version of a key,
 * since in a bucket with Object Lock (always versioned) a plain delete only hides it.
 */
final class S3ObjectLocks implements ObjectLocks {
    /** Codes a server gives for an object without a lock: AWS, and others such as S3Mock. */
    private static final Set<String> NO_LOCK = Set.of("NoSuchObjectLockConfiguration", "NotFound",
            "ObjectLockConfigurationNotFoundError");

    private final S3Storage storage;
    private final S3Settings settings;
    private final RetentionMode mode;

    S3ObjectLocks(S3Storage storage) {
        this.storage = storage;
        this.settings = storage.settings();
        this.mode = RetentionMode.valueOf(settings.objectLock().orElseThrow());
    }

    @Override
    public Duration grace() {
        return settings.lockGrace();
    }

    @Override
    public void check() throws IOException {
        // Only a bucket with Object Lock enabled has a configuration to read; the others answer with an error.
        try {
            Await.result(settings, "reading the Object Lock configuration of bucket " + settings.bucket(),
                    () -> storage.client().getObjectLockConfiguration(GetObjectLockConfigurationArgs.builder()
                            .bucket(settings.bucket()).build()));
        } catch (IOException e) {
            throw new IOException("S3_OBJECT_LOCK=" + mode.name().toLowerCase(Locale.ROOT) + " needs a bucket with"
                    + " Object Lock enabled, and " + settings.describe() + " has none (" + answer(e) + "): create the"
                    + " bucket with Object Lock (aws s3api create-bucket --object-lock-enabled-for-bucket, or"
                    + " put-object-lock-configuration on a versioned bucket), or unset S3_OBJECT_LOCK", e);
        }
    }

    private static String answer(IOException e) {
        return e.getCause() instanceof ErrorResponseException response ? "the server answered "
                + response.errorResponse().code() + ": " + response.errorResponse().message() : e.getMessage();
    }

    /** The upload headers that lock an object from its first byte. */
    Multimap<String, String> headers(Instant retainUntil) {
        Multimap<String, String> headers = HashMultimap.create();
        headers.put("x-amz-object-lock-mode", mode.name());
        headers.put("x-amz-object-lock-retain-until-date", format(retainUntil));
        return headers;
    }

    static String format(Instant instant) {
        return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
    }

    @Override
    public PendingObject create(String service, String name, Instant retainUntil) throws IOException {
        Storage.checkNames(service, name);
        String key = settings.key(service, name);
        return new S3Upload(storage, key, headers(retainUntil), () -> setRetention(key, retainUntil));
    }

    @Override
    public void extend(String service, String name, Instant retainUntil) throws IOException {
        Storage.checkNames(service, name);
        Optional<Instant> current = lockedUntil(service, name);
        if (current.isEmpty() || current.get().isBefore(retainUntil.truncatedTo(ChronoUnit.SECONDS))) {
            setRetention(settings.key(service, name), retainUntil);
        }
    }

    private void setRetention(String key, Instant retainUntil) throws IOException {
        Retention retention = new Retention(mode, retainUntil.truncatedTo(ChronoUnit.SECONDS).atZone(ZoneOffset.UTC));
        Await.result(settings, "locking " + key + " until " + format(retainUntil), () -> storage.client()
                .setObjectRetention(SetObjectRetentionArgs.builder().bucket(settings.bucket()).object(key)
                        .config(retention).build()));
    }

    @Override
    public Optional<Instant> lockedUntil(String service, String name) throws IOException {
        Storage.checkNames(service, name);
        String key = settings.key(service, name);
        Retention retention;
        try {
            retention = Await.result(settings, "reading the lock of " + key, () -> storage.client()
                    .getObjectRetention(GetObjectRetentionArgs.builder().bucket(settings.bucket()).object(key)
                            .build()));
        } catch (NoSuchFileException e) {
            throw e;
        } catch (IOException e) {
            if (e.getCause() instanceof ErrorResponseException response
                    && NO_LOCK.contains(response.errorResponse().code())) {
                return Optional.empty();
            }
            throw e;
        }
        if (retention == null || retention.retainUntilDate() == null) {
            return Optional.empty();
        }
        return Optional.of(retention.retainUntilDate().toInstant());
    }
}
