package org.pgbackup.storage.sftp;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pgbackup.spi.Storage;
import org.pgbackup.spi.StorageContext;
import org.pgbackup.spi.StorageProvider;

/**
 * An SFTP server: {@code BACKUP_TARGET=sftp}. Archives go to
 * {@code $SFTP_PATH/<service>/<name>} on {@code $SFTP_HOST}, whose host key must be in
 * {@code $SFTP_KNOWN_HOSTS}; the controller logs in with {@code $SFTP_PRIVATE_KEY_FILE} or
 * {@code $SFTP_PASSWORD}.
 */
public final class SftpStorageProvider implements StorageProvider {

    @Override
    public String id() {
        return "sftp";
    }

    @Override
    public Set<String> settings() {
        return Set.copyOf(SftpSettings.NAMES);
    }

    @Override
    public Set<String> secretSettings() {
        return Set.copyOf(SftpSettings.SECRETS);
    }

    @Override
    public List<String> validate(Map<String, String> settings) {
        List<String> problems = new ArrayList<>();
        SftpSettings.read(settings, problems);
        return problems;
    }

    @Override
    public Storage create(StorageContext context) {
        List<String> problems = new ArrayList<>();
        SftpSettings settings = SftpSettings.read(context.settings(), problems).orElseThrow(
                () -> new IllegalArgumentException("SFTP settings were not validated: " + problems));
        return new SftpStorage(settings);
    }
}
