package org.example.pgbackup.flatdir;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pgbackup.spi.StorageProvider;
import org.pgbackup.storage.testkit.StorageProviderContract;

/** Discovery, ids and settings, from the kit, plus this provider's own messages. */
class FlatDirStorageProviderTest extends StorageProviderContract {
    @Override
    protected StorageProvider provider() {
        return new FlatDirStorageProvider();
    }

    @Override
    protected Map<String, String> validSettings() {
        return Map.of("FLAT_DIR_PATH", "/var/lib/postgresql/flat");
    }

    @Test
    void aRelativeOrMissingDirectoryIsRefusedNamingTheVariable() {
        assertThat(provider().validate(Map.of("FLAT_DIR_PATH", "backups"))).containsExactly(
                "Invalid value for FLAT_DIR_PATH (should be an absolute directory path): backups");
        assertThat(provider().validate(Map.of())).singleElement().asString().startsWith("FLAT_DIR_PATH is empty");
    }
}
