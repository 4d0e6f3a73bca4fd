package org.pgbackup.storage.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.pgbackup.spi.PendingObject;
import org.pgbackup.spi.Storage;

class InMemoryStorageTest extends StorageContract {
    @Override
    protected Storage newStorage() {
        return InMemoryStorage.streaming();
    }

    @Override
    protected long bytesReceived() {
        return ((InMemoryStorage) storage()).receivedBytes();
    }

    @Override
    protected Storage unreachableStorage() {
        InMemoryStorage unreachable = new InMemoryStorage();
        unreachable.failAll("cannot be reached");
        return unreachable;
    }

    /** A contract over the given storage, as a plugin's test would be. */
    private static StorageContract contractOver(InMemoryStorage storage) {
        return new StorageContract() {
            @Override
            protected Storage newStorage() {
                return storage;
            }

            @Override
            protected long bytesReceived() {
                return storage.receivedBytes();
            }

            @Override
            protected Storage unreachableStorage() {
                return storage;
            }
        };
    }

    @Test
    void theStreamingCheckFailsAStorageThatHoldsTheWholeObjectUntilCommit() throws Exception {
        StorageContract buffering = contractOver(new InMemoryStorage());
        buffering.openStorage();

        assertThatThrownBy(buffering::mostOfALargeObjectReachesTheStoreBeforeItIsCommitted)
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("must send an archive as it is written, not hold it until the commit");
    }

    @Test
    void theTimeToFailCheckFailsAStorageThatAnswers() {
        StorageContract reachable = contractOver(InMemoryStorage.streaming());

        assertThatThrownBy(reachable::anUnreachableStoreFailsEveryOperationWithAnIoExceptionInBoundedTime)
                .isInstanceOf(AssertionError.class).hasMessageContaining("list");
    }

    @Test
    void closingAfterNewStorageFailedOrWasSkippedDoesNothing() {
        StorageContract never = contractOver(InMemoryStorage.streaming());

        assertThatCode(never::closeStorage).doesNotThrowAnyException();
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
