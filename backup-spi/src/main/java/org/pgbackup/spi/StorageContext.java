package org.pgbackup.spi;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;
import java.util.Set;

/**
 * What a provider receives to create a storage.
 *
 * @param settings this provider's own settings and nothing else: the variables whose names
 *     start with its {@link StorageProvider#settingsPrefix()}, minus any that belong to a
 *     service of the controller (such as a service's {@code <PREFIX>_POSTGRES_PASSWORD}), plus
 *     the {@link StorageProvider#COMMON_SETTINGS}
 * @param localRoot the directory under which a storage on a local file system keeps one
 *     directory per service; other storages ignore it
 * @param filePermissions permissions for files a local storage creates
 * @param directoryPermissions permissions for directories a local storage creates
 */
public record StorageContext(Map<String, String> settings, Path localRoot,
        Set<PosixFilePermission> filePermissions, Set<PosixFilePermission> directoryPermissions) {

    public StorageContext {
        settings = Map.copyOf(requireNonNull(settings, "settings is null"));
        requireNonNull(localRoot, "localRoot is null");
        filePermissions = Set.copyOf(requireNonNull(filePermissions, "filePermissions is null"));
        directoryPermissions = Set.copyOf(requireNonNull(directoryPermissions, "directoryPermissions is null"));
    }

    @Override
    public String toString() {
        // The settings may hold secrets.
        return "StorageContext[settings=" + settings.keySet() + ", localRoot=" + localRoot + "]";
    }
}
