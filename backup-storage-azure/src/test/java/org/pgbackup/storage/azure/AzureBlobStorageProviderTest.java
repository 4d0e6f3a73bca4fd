package org.pgbackup.storage.azure;

import java.util.Map;
import org.pgbackup.spi.StorageProvider;
import org.pgbackup.storage.testkit.StorageProviderContract;

class AzureBlobStorageProviderTest extends StorageProviderContract {
    @Override
    protected StorageProvider provider() {
        return new AzureBlobStorageProvider();
    }

    @Override
    protected Map<String, String> validSettings() {
        return Map.of("AZURE_BLOB_ACCOUNT_NAME", "backupsaccount", "AZURE_BLOB_ACCOUNT_KEY",
                "ZG8tbm90LXNob3ctbWUtZG8tbm90LXNob3ctbWU=", "AZURE_BLOB_CONTAINER", "backups");
    }
}
