package org.pgbackup.storage.testkit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.pgbackup.spi.PendingObject;
import org.pgbackup.spi.Storage;
import org.pgbackup.spi.StoredObject;

/**
 * The contract of {@link Storage}, for every implementation: a provider's test extends this
 * class and returns a fresh, empty storage from {@link #newStorage()}. Every rule of
 * {@link Storage}'s Javadoc has a test here, threads included. The local and S3 storages
 * run it, and so does the example plugin.
 */
public abstract class StorageContract {
    private Storage storage;

    /** A new storage with no objects in it. */
    protected abstract Storage newStorage() throws Exception;

    @BeforeEach
    void openStorage() throws Exception {
        storage = newStorage();
    }

    @AfterEach
    void closeStorage() throws Exception {
        storage.close();
    }

    protected Storage storage() {
        return storage;
    }

    /** Stores an object and commits it. */
    protected void put(String service, String name, byte[] content) throws IOException {
        try (PendingObject object = storage.create(service, name)) {
            object.output().write(content);
            object.commit();
        }
    }

    /** Reads a committed object whole. */
    protected byte[] read(String service, String name) throws IOException {
        try (InputStream in = storage.open(service, name)) {
            return in.readAllBytes();
        }
    }

    @Test
    void listingAServiceWithNothingStoredIsEmpty() throws IOException {
        assertThat(storage.list("nothing-here")).isEmpty();
    }

    @Test
    void committedObjectIsListedWithItsSizeAndReadsBackTheSameBytes() throws IOException {
        byte[] content = "hello archive".getBytes(UTF_8);
        put("users", "file_daily_2025-07-04T09:00:00Z.dump", content);

        assertThat(storage.list("users")).singleElement().satisfies(o -> {
            assertThat(o.name()).isEqualTo("file_daily_2025-07-04T09:00:00Z.dump");
            assertThat(o.size()).isEqualTo(content.length);
        });
        assertThat(read("users", "file_daily_2025-07-04T09:00:00Z.dump")).isEqualTo(content);
    }

    @Test
    void objectIsInvisibleUntilCommitted() throws IOException {
        try (PendingObject object = storage.create("users", "a.dump")) {
            object.output().write(new byte[1000]);
            object.output().flush();
            assertThat(storage.list("users")).isEmpty();
            assertThatThrownBy(() -> storage.open("users", "a.dump")).isInstanceOf(NoSuchFileException.class);
            object.commit();
        }
        assertThat(storage.list("users")).extracting(StoredObject::name).containsExactly("a.dump");
    }

    @Test
    void closingWithoutCommitLeavesNothing() throws IOException {
        try (PendingObject object = storage.create("users", "a.dump")) {
            object.output().write(new byte[4096]);
        }
        assertThat(storage.list("users")).isEmpty();
        assertThatThrownBy(() -> storage.open("users", "a.dump")).isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void abortedReplacementKeepsTheOldObject() throws IOException {
        put("users", "file.dump", "old".getBytes(UTF_8));
        try (PendingObject object = storage.create("users", "file.dump")) {
            object.output().write("partial new".getBytes(UTF_8));
        }
        assertThat(read("users", "file.dump")).isEqualTo("old".getBytes(UTF_8));
    }

    @Test
    void commitReplacesAnExistingObject() throws IOException {
        put("users", "file.dump", "old".getBytes(UTF_8));
        put("users", "file.dump", "new and longer".getBytes(UTF_8));

        assertThat(read("users", "file.dump")).isEqualTo("new and longer".getBytes(UTF_8));
        assertThat(storage.list("users")).singleElement().extracting(StoredObject::size).isEqualTo(14L);
    }

    @Test
    void emptyObjectIsStored() throws IOException {
        put("users", "empty", new byte[0]);
        assertThat(storage.list("users")).singleElement().extracting(StoredObject::size).isEqualTo(0L);
        assertThat(read("users", "empty")).isEmpty();
    }

    @Test
    void largeObjectWrittenInManyPiecesReadsBackWhole() throws IOException {
        byte[] content = new byte[12 * 1024 * 1024 + 17];
        new Random(42).nextBytes(content);
        try (PendingObject object = storage.create("users", "big.dump")) {
            for (int offset = 0; offset < content.length; offset += 65_536) {
                object.output().write(content, offset, Math.min(65_536, content.length - offset));
            }
            object.commit();
        }
        assertThat(read("users", "big.dump")).isEqualTo(content);
    }

    @Test
    void listingIsSortedByName() throws IOException {
        for (String name : List.of("c", "a", "b")) {
            put("users", name, name.getBytes(UTF_8));
        }
        assertThat(storage.list("users")).extracting(StoredObject::name).containsExactly("a", "b", "c");
    }

    @Test
    void servicesNeverSeeEachOthersObjectsEvenWhenOneNameStartsTheOther() throws IOException {
        put("app", "x", "1".getBytes(UTF_8));
        put("app2", "y", "2".getBytes(UTF_8));
        put("app-b", "z", "3".getBytes(UTF_8));

        assertThat(storage.list("app")).extracting(StoredObject::name).containsExactly("x");
        assertThat(storage.list("app2")).extracting(StoredObject::name).containsExactly("y");
        storage.delete("app", "y");
        storage.delete("app", "z");
        assertThat(storage.list("app2")).hasSize(1);
        assertThat(storage.list("app-b")).hasSize(1);
        assertThatThrownBy(() -> storage.open("app", "y")).isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void deleteRemovesAnObjectAndDeletingAMissingOneDoesNothing() throws IOException {
        put("users", "a", "1".getBytes(UTF_8));
        put("users", "b", "2".getBytes(UTF_8));

        storage.delete("users", "a");
        storage.delete("users", "a");
        storage.delete("users", "never-was");

        assertThat(storage.list("users")).extracting(StoredObject::name).containsExactly("b");
    }

    @Test
    void openingAMissingObjectThrowsNoSuchFile() {
        assertThatThrownBy(() -> storage.open("users", "missing.dump")).isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void namesThatAreNotSingleSegmentsAreRejectedBeforeAnyIo() {
        for (String bad : List.of("", ".", "..", "a/b", "../x", "a\\b")) {
            assertThatThrownBy(() -> storage.create("users", bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> storage.open("users", bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> storage.delete("users", bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        for (String bad : List.of("", ".", "..", "../x", "a\\b", "a/b/c", "a/", "/a", "a/..", "a/.", "../a")) {
            assertThatThrownBy(() -> storage.list(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> storage.create(bad, "a")).as(bad).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> storage.directories(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void aServicesDirectoriesAreKeptApartFromItsOwnObjectsAndListed() throws IOException {
        put("app", "roles", "0".getBytes(UTF_8));
        put("app/sales", "x", "1".getBytes(UTF_8));
        put("app/hr", "y", "2".getBytes(UTF_8));
        put("app/hr2", "z", "3".getBytes(UTF_8));
        put("app2/other", "w", "4".getBytes(UTF_8));

        assertThat(storage.list("app")).extracting(StoredObject::name).containsExactly("roles");
        assertThat(storage.list("app/hr")).extracting(StoredObject::name).containsExactly("y");
        assertThat(read("app/sales", "x")).isEqualTo("1".getBytes(UTF_8));
        assertThat(storage.directories("app")).containsExactly("hr", "hr2", "sales");
        assertThat(storage.directories("users")).isEmpty();
        storage.delete("app/hr", "y");
        assertThat(storage.directories("app")).containsExactly("hr2", "sales");
        assertThat(storage.list("app2/other")).hasSize(1);
    }

    @Test
    void listingDuringAReplacementShowsTheOldObjectUnchanged() throws IOException {
        put("users", "file.dump", "old".getBytes(UTF_8));
        try (PendingObject object = storage.create("users", "file.dump")) {
            object.output().write(new byte[5000]);
            object.output().flush();
            assertThat(storage.list("users")).singleElement().extracting(StoredObject::size).isEqualTo(3L);
            assertThat(read("users", "file.dump")).isEqualTo("old".getBytes(UTF_8));
            object.commit();
        }
        assertThat(storage.list("users")).singleElement().extracting(StoredObject::size).isEqualTo(5000L);
    }

    /** Parallel dumps share one storage: puts, lists and deletes from many threads at once. */
    @Test
    void concurrentPutsFromManyThreadsAllLand() throws Exception {
        int threads = 8;
        int each = 6;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Object>> work = IntStream.range(0, threads).mapToObj(t -> pool.submit(() -> {
                String service = t % 2 == 0 ? "shared" : "own-" + t;
                for (int i = 0; i < each; i++) {
                    byte[] content = (t + ":" + i + ":").repeat(100 * (i + 1)).getBytes(UTF_8);
                    put(service, "t" + t + "-" + i, content);
                    storage.list(service);
                    assertThat(read(service, "t" + t + "-" + i)).isEqualTo(content);
                }
                storage.delete(service, "t" + t + "-0");
                return null;
            })).toList();
            for (Future<Object> f : work) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(storage.list("shared")).hasSize(threads / 2 * (each - 1));
        for (int t = 1; t < threads; t += 2) {
            assertThat(storage.list("own-" + t)).extracting(StoredObject::name)
                    .containsExactly("t" + t + "-1", "t" + t + "-2", "t" + t + "-3", "t" + t + "-4", "t" + t + "-5");
        }
    }
}
