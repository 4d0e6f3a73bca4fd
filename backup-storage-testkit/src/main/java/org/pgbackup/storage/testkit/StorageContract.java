package org.pgbackup.storage.testkit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.pgbackup.spi.PendingObject;
import org.pgbackup.spi.Storage;
import org.pgbackup.spi.StoredObject;

/**
 * The contract of {@link Storage}, for every implementation: a provider's test extends this
 * class and returns a fresh, empty storage from {@link #newStorage()}, says how many bytes
 * its store has received ({@link #bytesReceived()}), and gives a storage whose store cannot
 * be reached ({@link #unreachableStorage()}). Every rule of {@link Storage}'s Javadoc has a
 * test here, threads, streaming and time to fail included. The local and S3 storages run it,
 * and so do the example plugin and the first-party Azure and SFTP plugins.
 */
public abstract class StorageContract {
    /** The size of the object the streaming check writes. */
    protected static final int STREAMED_OBJECT = 48 * 1024 * 1024;
    /** How long a storage may take to fail against a store that cannot be reached. */
    protected static final Duration TIME_TO_FAIL = Duration.ofSeconds(60);

    private Storage storage;

    /** A new storage with no objects in it. */
    protected abstract Storage newStorage() throws Exception;

    /**
     * Every byte of object content the store behind {@link #storage()} has received so far,
     * or more (a request's own bytes may count): what reached the server of a network store
     * (point the storage at a {@link ByteCountingProxy} and return
     * {@link ByteCountingProxy#bytesSent()}), what the files of a store of files hold
     * ({@link FileBytes#under}). The streaming check compares it before and after writing a
     * large object, before the commit.
     */
    protected abstract long bytesReceived() throws Exception;

    /**
     * A storage configured like {@link #newStorage()} but whose store cannot be reached: a
     * closed port on the loopback address, a path under a regular file. Each of its
     * operations must fail with an {@link IOException} within {@link #TIME_TO_FAIL}.
     */
    protected abstract Storage unreachableStorage() throws Exception;

    @BeforeEach
    void openStorage() throws Exception {
        storage = newStorage();
    }

    @AfterEach
    void closeStorage() throws Exception {
        // newStorage() may have failed or been skipped: nothing to close then.
        if (storage != null) {
            storage.close();
        }
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

    /**
     * An archive streams: a storage that keeps a whole object in memory until
     * {@link PendingObject#commit()} holds as much memory as the largest database it
     * backs up. Most of a large object must have reached the store before the commit.
     */
    @Test
    void mostOfALargeObjectReachesTheStoreBeforeItIsCommitted() throws Exception {
        long before = bytesReceived();
        Random random = new Random(7);
        byte[] chunk = new byte[64 * 1024];
        long arrived;
        try (PendingObject object = storage.create("users", "streamed.dump")) {
            for (int written = 0; written < STREAMED_OBJECT; written += chunk.length) {
                random.nextBytes(chunk);
                object.output().write(chunk);
            }
            object.output().flush();
            arrived = bytesReceived() - before;
            object.commit();
        }
        assertThat(arrived).as("bytes the store had received of a %d-byte object before its commit: a storage"
                + " must send an archive as it is written, not hold it until the commit", STREAMED_OBJECT)
                .isGreaterThanOrEqualTo(STREAMED_OBJECT / 2);
        assertThat(storage.list("users")).singleElement().extracting(StoredObject::size)
                .isEqualTo((long) STREAMED_OBJECT);
    }

    /** The controller closes an archive's stream (the compressor does) before it commits. */
    @Test
    void commitAfterTheOutputWasClosedStoresEveryByte() throws IOException {
        byte[] content = "closed, then committed".getBytes(UTF_8);
        try (PendingObject object = storage.create("users", "closed-first.dump")) {
            object.output().write(content);
            object.output().close();
            object.commit();
        }
        assertThat(read("users", "closed-first.dump")).isEqualTo(content);
    }

    /**
     * What a write that never ended left behind (a controller killed mid-dump) goes with
     * {@link Storage#removeStale}, and nothing committed goes with it: not the service's own
     * objects, not its directories', not another service's.
     */
    @Test
    void removeStaleKeepsEveryCommittedObjectAndALaterWriteOfTheSameNameWorks() throws IOException {
        put("users", "kept.dump", "kept".getBytes(UTF_8));
        put("users/sales", "kept.dump", "kept too".getBytes(UTF_8));
        put("orders", "kept.dump", "other".getBytes(UTF_8));
        PendingObject abandoned = storage.create("users", "abandoned.dump");
        abandoned.output().write(new byte[256 * 1024]);
        abandoned.output().flush();

        storage.removeStale("users");
        storage.removeStale("users");
        storage.removeStale("never-used");

        assertThat(storage.list("users")).extracting(StoredObject::name).containsExactly("kept.dump");
        assertThat(read("users", "kept.dump")).isEqualTo("kept".getBytes(UTF_8));
        assertThat(read("users/sales", "kept.dump")).isEqualTo("kept too".getBytes(UTF_8));
        assertThat(read("orders", "kept.dump")).isEqualTo("other".getBytes(UTF_8));
        put("users", "abandoned.dump", "written again".getBytes(UTF_8));
        // The abandoned write's owner may still close it: that must not touch the new object.
        abandoned.close();
        assertThat(read("users", "abandoned.dump")).isEqualTo("written again".getBytes(UTF_8));
    }

    /**
     * A reader that opened an object before a replacement was committed reads the old bytes
     * whole, or fails with an {@link IOException}: never a mix of old and new.
     */
    @Test
    void aReadStartedBeforeAReplacementGetsTheOldBytesOrAnIoExceptionNeverAMix() throws IOException {
        byte[] old = new byte[3 * 1024 * 1024];
        new Random(1).nextBytes(old);
        byte[] replacement = new byte[old.length];
        new Random(2).nextBytes(replacement);
        put("users", "file.dump", old);
        byte[] read;
        try (InputStream in = storage.open("users", "file.dump")) {
            byte[] head = in.readNBytes(1024);
            put("users", "file.dump", replacement);
            byte[] rest = in.readAllBytes();
            read = new byte[head.length + rest.length];
            System.arraycopy(head, 0, read, 0, head.length);
            System.arraycopy(rest, 0, read, head.length, rest.length);
        } catch (IOException e) {
            read = old;
        }
        assertThat(read).as("what the reader got").isEqualTo(old);
        assertThat(read("users", "file.dump")).isEqualTo(replacement);
    }

    /**
     * A store that cannot be reached fails each operation with an {@link IOException} in
     * bounded time, so that a bad endpoint makes {@code list} fail, not hang; the time taken
     * is printed for the plugin's author.
     */
    @Test
    void anUnreachableStoreFailsEveryOperationWithAnIoExceptionInBoundedTime() throws Exception {
        try (Storage unreachable = unreachableStorage()) {
            List<Map.Entry<String, Executable>> operations = List.of(
                    Map.entry("list", () -> unreachable.list("users")),
                    Map.entry("open", () -> unreachable.open("users", "a.dump").close()),
                    Map.entry("delete", () -> unreachable.delete("users", "a.dump")),
                    Map.entry("create and commit", () -> {
                        try (PendingObject object = unreachable.create("users", "a.dump")) {
                            object.output().write(new byte[1024]);
                            object.commit();
                        }
                    }));
            for (Map.Entry<String, Executable> operation : operations) {
                Instant started = Instant.now();
                Throwable thrown = assertTimeoutPreemptively(TIME_TO_FAIL, () -> catchThrowable(operation.getValue()),
                        operation.getKey() + " against " + unreachable.describe() + " did not fail within "
                                + TIME_TO_FAIL.toSeconds() + " s");
                System.out.printf("%s: %s failed against an unreachable store in %d ms: %s%n", getClass().getSimpleName(),
                        operation.getKey(), Duration.between(started, Instant.now()).toMillis(), thrown);
                assertThat(thrown).as(operation.getKey()).isInstanceOf(IOException.class);
            }
        }
    }

    private static Throwable catchThrowable(Executable call) {
        try {
            call.execute();
            return null;
        } catch (Throwable e) {
            return e;
        }
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
