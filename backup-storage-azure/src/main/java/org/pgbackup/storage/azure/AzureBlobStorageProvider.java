package org.pgbackup.storage.azure;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pgbackup.spi.Storage;
import org.pgbackup.spi.StorageContext;
import org.pgbackup.spi.StorageProvider;

/**
 * An Azure Blob Storage container: {@code BACKUP_TARGET=azure-blob}. Archives go to the
 * block blobs {@code $AZURE_BLOB_PREFIX/<service>/<name>} of {@code $AZURE_BLOB_CONTAINER}.
 */
public final class AzureBlobStorageProvider implements StorageProvider {

    @Override
    public String id() {
        return "azure-blob";
    }

    @Override
    public Set<String> settings() {
        return Set.copyOf(AzureBlobSettings.NAMES);
    }

    @Override
    public Set<String> secretSettings() {
        return Set.copyOf(AzureBlobSettings.SECRETS);
    }

    @Override
    public List<String> validate(Map<String, String> settings) {
        List<String> problems = new ArrayList<>();
        AzureBlobSettings.read(settings, problems);
        return problems;
    }

    @Override
    public Storage create(StorageContext context) {
        List<String> problems = new ArrayList<>();
        AzureBlobSettings settings = AzureBlobSettings.read(context.settings(), problems).orElseThrow(
                () -> new IllegalArgumentException("Azure Blob settings were not validated: " + problems));
        return new AzureBlobStorage(settings);
    }
}
