package org.pgbackup.storage.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ServiceLoader;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pgbackup.storage.testkit.FileBytes;
import org.pgbackup.storage.testkit.StorageContract;
import org.pgbackup.spi.PendingObject;
import org.pgbackup.spi.Storage;
import org.pgbackup.spi.StorageProvider;

class LocalStorageTest extends StorageContract {
    @TempDir
    Path root;

    @Override
    protected Storage newStorage() {
        return new LocalStorage(root.resolve("data"), PosixFilePermissions.fromString("rw-------"),
                PosixFilePermissions.fromString("rwx------"));
    }

    @Override
    protected long bytesReceived() throws IOException {
        return FileBytes.under(root.resolve("data"));
    }

    @Override
    protected Storage unreachableStorage() throws IOException {
        // A directory that can never be made: its parent is a regular file.
        Path file = Files.writeString(root.resolve("not-a-directory"), "x");
        return new LocalStorage(file.resolve("data"), PosixFilePermissions.fromString("rw-------"),
                PosixFilePermissions.fromString("rwx------"));
    }

    @Test
    void filesAndDirectoriesGetTheGivenPermissions() throws IOException {
        try (PendingObject object = storage().create("users", "a.dump")) {
            object.output().write(1);
            object.commit();
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("data/users/a.dump"))))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("data/users"))))
                .isEqualTo("rwx------");
    }

    @Test
    void abandonedWriteLeavesNoFileBehind() throws IOException {
        try (PendingObject object = storage().create("users", "a.dump")) {
            object.output().write(new byte[100]);
        }
        try (Stream<Path> files = Files.list(root.resolve("data/users"))) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void providerIsFoundByServiceLoaderUnderBothIds() {
        assertThat(ServiceLoader.load(StorageProvider.class)).singleElement().satisfies(p -> {
            assertThat(p.id()).isEqualTo("local");
            assertThat(p.aliases()).containsExactly("filesystem");
        });
    }
}
