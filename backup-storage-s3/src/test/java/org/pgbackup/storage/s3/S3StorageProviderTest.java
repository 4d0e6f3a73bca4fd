package org.pgbackup.storage.s3;

import java.util.Map;
import org.pgbackup.spi.StorageProvider;
import org.pgbackup.storage.testkit.StorageProviderContract;

class S3StorageProviderTest extends StorageProviderContract {
    @Override
    protected StorageProvider provider() {
        return new S3StorageProvider();
    }

    @Override
    protected Map<String, String> validSettings() {
        return Map.of("S3_BUCKET", "backups", "S3_ACCESS_KEY_ID", "AKIAEXAMPLE", "S3_SECRET_ACCESS_KEY",
                "do-not-show-me", "S3_SESSION_TOKEN", "nor-me", "S3_ENDPOINT", "http://localhost:9",
                "S3_REGION", "us-east-1");
    }
}
