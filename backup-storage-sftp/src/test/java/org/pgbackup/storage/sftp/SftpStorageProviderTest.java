package org.pgbackup.storage.sftp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.pgbackup.spi.StorageProvider;
import org.pgbackup.storage.testkit.StorageProviderContract;

class SftpStorageProviderTest extends StorageProviderContract {
    @Override
    protected StorageProvider provider() {
        return new SftpStorageProvider();
    }

    @Override
    protected Map<String, String> validSettings() {
        try {
            Path knownHosts = Files.createTempFile("known_hosts", "");
            knownHosts.toFile().deleteOnExit();
            return Map.of("SFTP_HOST", "backups.example", "SFTP_USER", "backup", "SFTP_PASSWORD", "do-not-show-me",
                    "SFTP_PRIVATE_KEY_PASSPHRASE", "nor-me", "SFTP_KNOWN_HOSTS", knownHosts.toString(), "SFTP_PATH",
                    "/srv/backups");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
