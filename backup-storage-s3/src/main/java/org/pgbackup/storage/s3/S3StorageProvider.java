package org.pgbackup.storage.s3;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pgbackup.spi.Storage;
import org.pgbackup.spi.StorageContext;
import org.pgbackup.spi.StorageProvider;

/**
 * An S3-compatible bucket: {@code BACKUP_TARGET=s3}. Archives go to
 * {@code s3://$S3_BUCKET/$S3_PREFIX/<service>/<name>}.
 */
public final class S3StorageProvider implements StorageProvider {

    @Override
    public String id() {
        return "s3";
    }

    @Override
    public List<String> validate(Map<String, String> settings) {
        List<String> problems = new ArrayList<>();
        S3Settings.read(settings, problems);
        return problems;
    }

    @Override
    public Set<String> settings() {
        return Set.of("S3_BUCKET", "S3_PREFIX", "S3_REGION", "S3_ENDPOINT", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY",
                "S3_SESSION_TOKEN", "S3_USE_TLS", "S3_FORCE_PATH_STYLE", "S3_STORAGE_CLASS", "S3_MAX_RETRIES",
                "S3_PART_SIZE_MB", "S3_SSE", "S3_SSE_KMS_KEY_ID", "S3_OBJECT_LOCK", "S3_OBJECT_LOCK_GRACE");
    }

    @Override
    public Set<String> secretSettings() {
        return Set.of("S3_SECRET_ACCESS_KEY", "S3_SESSION_TOKEN");
    }

    @Override
    public Storage create(StorageContext context) {
        List<String> problems = new ArrayList<>();
        S3Settings settings = S3Settings.read(context.settings(), problems).orElseThrow(
                () -> new IllegalArgumentException("S3 settings were not validated: " + problems));
        return new S3Storage(settings);
    }
}
