package org.pgbackup.config;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import org.pgbackup.spi.StorageProvider;

/**
 * One destination of {@code BACKUP_TARGET}: its provider and the settings that provider
 * alone receives.
 *
 * @param id the provider's id, aliases resolved
 * @param provider the provider
 * @param settings the provider's own settings (see {@link org.pgbackup.spi.StorageContext#settings()})
 *
 * <p>Immutable, and so safe to share between threads.
 */
public record StorageTarget(String id, StorageProvider provider, Map<String, String> settings) {
    public StorageTarget {
        requireNonNull(id, "id is null");
        requireNonNull(provider, "provider is null");
        settings = Map.copyOf(settings);
    }

    @Override
    public String toString() {
        // Settings may hold secrets.
        return "StorageTarget[id=" + id + ", settings=" + settings.keySet() + "]";
    }
}
