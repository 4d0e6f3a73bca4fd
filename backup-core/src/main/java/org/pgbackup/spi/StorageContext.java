package org.pgbackup.spi;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;
import java.util.Set;

/**
 * What a provider receives to create a storage.
 *
 * @param environment the controller's environment, from which a provider reads its own settings
 * @param localRoot the directory under which a storage on a local file system keeps one
 *     directory per service; other storages ignore it
 * @param filePermissions permissions for files a local storage creates
 * @param directoryPermissions permissions for directories a local storage creates
 */
public record StorageContext(Map<String, String> environment, Path localRoot,
        Set<PosixFilePermission> filePermissions, Set<PosixFilePermission> directoryPermissions) {

    public StorageContext {
        environment = Map.copyOf(requireNonNull(environment, "environment is null"));
        requireNonNull(localRoot, "localRoot is null");
        filePermissions = Set.copyOf(requireNonNull(filePermissions, "filePermissions is null"));
        directoryPermissions = Set.copyOf(requireNonNull(directoryPermissions, "directoryPermissions is null"));
    }

    @Override
    public String toString() {
        // The environment holds secrets.
        return "StorageContext[localRoot=" + localRoot + "]";
    }
}
