package org.pgbackup.storage.azure;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pgbackup.spi.Settings;

/**
 * The {@code AZURE_BLOB_*} settings, read and checked together.
 *
 * @param endpoint the account's blob endpoint ({@code AZURE_BLOB_ENDPOINT}, by default
 *     {@code https://<account>.blob.core.windows.net})
 * @param account the storage account ({@code AZURE_BLOB_ACCOUNT_NAME})
 * @param accountKey its key ({@code AZURE_BLOB_ACCOUNT_KEY}), or empty when a SAS token is used
 * @param sasToken a shared access signature ({@code AZURE_BLOB_SAS_TOKEN}) instead of the key
 * @param container the container that holds the archives ({@code AZURE_BLOB_CONTAINER}); it must exist
 * @param prefix the path inside the container ({@code AZURE_BLOB_PREFIX}), empty or ending in {@code /}
 * @param blockSize the size of each staged block in bytes ({@code AZURE_BLOB_BLOCK_SIZE_MB}, 8):
 *     a write holds one block in memory, and 50,000 blocks make the largest archive
 * @param maxTries how often a request is tried ({@code AZURE_BLOB_MAX_RETRIES} + 1)
 * @param tryTimeout how long one try may take ({@code AZURE_BLOB_TIMEOUT_SECONDS}, 60)
 */
record AzureBlobSettings(URI endpoint, String account, Optional<String> accountKey, Optional<String> sasToken,
        String container, String prefix, int blockSize, int maxTries, Duration tryTimeout) {

    static final List<String> NAMES = List.of("AZURE_BLOB_ENDPOINT", "AZURE_BLOB_ACCOUNT_NAME", "AZURE_BLOB_ACCOUNT_KEY",
            "AZURE_BLOB_SAS_TOKEN", "AZURE_BLOB_CONTAINER", "AZURE_BLOB_PREFIX", "AZURE_BLOB_BLOCK_SIZE_MB",
            "AZURE_BLOB_MAX_RETRIES", "AZURE_BLOB_TIMEOUT_SECONDS");
    static final List<String> SECRETS = List.of("AZURE_BLOB_ACCOUNT_KEY", "AZURE_BLOB_SAS_TOKEN");

    /** The settings, or empty with one sentence per problem added to {@code problems}. */
    static Optional<AzureBlobSettings> read(Map<String, String> environment, List<String> problems) {
        int before = problems.size();
        Settings settings = new Settings(environment, problems);
        Optional<String> account = settings.text("AZURE_BLOB_ACCOUNT_NAME");
        if (account.isEmpty()) {
            settings.problem("AZURE_BLOB_ACCOUNT_NAME is empty: set it to the storage account's name (BACKUP_TARGET"
                    + " includes azure-blob)");
        }
        Optional<String> key = settings.text("AZURE_BLOB_ACCOUNT_KEY");
        Optional<String> sas = settings.text("AZURE_BLOB_SAS_TOKEN").map(t -> t.startsWith("?") ? t.substring(1) : t);
        if (key.isEmpty() == sas.isEmpty()) {
            settings.problem("Azure Blob needs one credential: set AZURE_BLOB_ACCOUNT_KEY or AZURE_BLOB_SAS_TOKEN"
                    + (key.isPresent() ? ", not both" : ""));
        }
        String container = settings.text("AZURE_BLOB_CONTAINER").orElseGet(() -> {
            settings.problem("AZURE_BLOB_CONTAINER is empty: set it to the container that receives the archives");
            return null;
        });
        Optional<URI> endpoint = settings.text("AZURE_BLOB_ENDPOINT").isPresent() ? settings.url("AZURE_BLOB_ENDPOINT")
                : account.map(a -> URI.create("https://" + a + ".blob.core.windows.net"));
        String prefix = settings.text("AZURE_BLOB_PREFIX").map(p -> p.replaceAll("^/+|/+$", ""))
                .filter(p -> !p.isEmpty()).map(p -> p + "/").orElse("");
        int blockMb = (int) settings.whole("AZURE_BLOB_BLOCK_SIZE_MB", 8, 1, 4000, "a whole number of MiB from 1 to"
                + " 4000");
        int retries = (int) settings.whole("AZURE_BLOB_MAX_RETRIES", 3, 0, 10, "a whole number from 0 to 10");
        long timeout = settings.whole("AZURE_BLOB_TIMEOUT_SECONDS", 60, 1, 3600, "a whole number of seconds from 1"
                + " to 3600");
        if (problems.size() > before || endpoint.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new AzureBlobSettings(endpoint.get(), account.orElseThrow(), key, sas, container, prefix,
                blockMb * 1024 * 1024, retries + 1, Duration.ofSeconds(timeout)));
    }

    /** {@code azure-blob://account/container/prefix at endpoint}, for messages: never a secret. */
    String describe() {
        return "azure-blob://" + account + "/" + container + (prefix.isEmpty() ? "" : "/" + prefix.replaceAll("/$", ""))
                + " at " + endpoint.getScheme() + "://" + endpoint.getAuthority() + endpoint.getPath();
    }
}
