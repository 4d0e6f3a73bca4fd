package org.pgbackup.storage.local;

import java.util.Set;
import org.pgbackup.spi.Storage;
import org.pgbackup.spi.StorageContext;
import org.pgbackup.spi.StorageProvider;

/**
 * The local volume: {@code BACKUP_TARGET=local}, or {@code filesystem} as the
 * specification also calls it. Archives go to {@code <local root>/<service>/}.
 */
public final class LocalStorageProvider implements StorageProvider {

    @Override
    public String id() {
        return "local";
    }

    @Override
    public Set<String> aliases() {
        return Set.of("filesystem");
    }

    @Override
    public Storage create(StorageContext context) {
        return new LocalStorage(context.localRoot(), context.filePermissions(), context.directoryPermissions());
    }
}
