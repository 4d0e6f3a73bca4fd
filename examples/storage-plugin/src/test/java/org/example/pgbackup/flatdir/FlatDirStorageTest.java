package org.example.pgbackup.flatdir;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pgbackup.spi.Storage;
import org.pgbackup.storage.testkit.FileBytes;
import org.pgbackup.storage.testkit.StorageContract;

/** Every rule of a storage, from the kit, plus what this layout promises. */
class FlatDirStorageTest extends StorageContract {
    @TempDir
    Path root;

    @Override
    protected Storage newStorage() {
        return new FlatDirStorage(root.resolve("flat"), PosixFilePermissions.fromString("rw-------"));
    }

    @Override
    protected long bytesReceived() throws IOException {
        return FileBytes.under(root.resolve("flat"));
    }

    @Override
    protected Storage unreachableStorage() throws IOException {
        // A directory that can never be made: its parent is a regular file.
        Path file = Files.writeString(root.resolve("not-a-directory"), "x");
        return new FlatDirStorage(file.resolve("flat"), PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    void everyServiceSharesOneFlatDirectory() throws IOException {
        put("users", "a.dump", new byte[] {1});
        put("user=s", "b.dump", new byte[] {2});
        try (Stream<Path> files = Files.list(root.resolve("flat"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("users=a.dump",
                    "user%3Ds=b.dump");
        }
    }
}
