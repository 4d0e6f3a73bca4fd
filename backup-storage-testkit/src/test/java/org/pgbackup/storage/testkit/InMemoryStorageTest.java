package org.pgbackup.storage.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.pgbackup.spi.PendingObject;
import org.pgbackup.spi.Storage;

class InMemoryStorageTest extends StorageContract {
    @Override
    protected Storage newStorage() {
        return new InMemoryStorage();
    }

    @Test
    void failingCommitsLeaveNothingAndHealAgain() throws IOException {
        InMemoryStorage storage = (InMemoryStorage) storage();
        storage.failCommits("disk full");
        try (PendingObject object = storage.create("users", "a.dump")) {
            object.output().write(1);
            assertThatThrownBy(object::commit).isInstanceOf(IOException.class).hasMessage("disk full");
        }
        assertThat(storage.list("users")).isEmpty();
        storage.failCommits(null);
        put("users", "a.dump", new byte[] {7});
        assertThat(storage.bytes("users", "a.dump")).hasValueSatisfying(b -> assertThat(b).containsExactly(7));
    }
}
