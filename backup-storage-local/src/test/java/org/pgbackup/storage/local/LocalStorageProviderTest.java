package org.pgbackup.storage.local;

import java.util.Map;
import org.pgbackup.spi.StorageProvider;
import org.pgbackup.storage.testkit.StorageProviderContract;

class LocalStorageProviderTest extends StorageProviderContract {
    @Override
    protected StorageProvider provider() {
        return new LocalStorageProvider();
    }

    @Override
    protected Map<String, String> validSettings() {
        return Map.of();
    }
}
