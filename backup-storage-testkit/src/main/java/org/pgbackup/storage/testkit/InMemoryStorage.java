package org.pgbackup.storage.testkit;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.NoSuchFileException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.pgbackup.spi.AbstractPendingObject;
import org.pgbackup.spi.PendingObject;
import org.pgbackup.spi.Storage;
import org.pgbackup.spi.StoredObject;

/**
 * A storage in memory, for tests of code that stores archives: an embedder's tests, a
 * plugin's comparisons, the controller's own operation tests. It keeps every rule of
 * {@link Storage} (it passes {@link StorageContract}) and can be told to fail, to test what
 * happens when one destination breaks.
 *
 * <p>Two modes, for {@link StorageContract}'s streaming check: by default it behaves like a
 * provider that holds a whole object in memory and sends it at {@link PendingObject#commit()}
 * (its {@link #receivedBytes()} grow only at commit, so the check fails, as it must for such
 * a provider); {@link #streaming()} behaves like a store that receives each byte as it is
 * written, which passes.
 *
 * <p>Thread-safe. Closing it keeps its objects, so that one instance can be handed to
 * several clients in turn.
 */
public final class InMemoryStorage implements Storage {
    private record Stored(byte[] bytes, Instant modified) {
    }

    private final Map<String, ConcurrentSkipListMap<String, Stored>> services = new ConcurrentHashMap<>();
    private final AtomicReference<String> commitFailure = new AtomicReference<>();
    private final AtomicReference<String> failure = new AtomicReference<>();
    private final AtomicLong received = new AtomicLong();
    private final Clock clock;
    private final String name;
    private final boolean streaming;

    /** An empty storage named {@code memory}, on the system clock, that receives objects at commit. */
    public InMemoryStorage() {
        this("memory", Clock.systemUTC());
    }

    /**
     * @param name what {@link #describe()} says
     * @param clock gives the modification time of stored objects
     */
    public InMemoryStorage(String name, Clock clock) {
        this(name, clock, false);
    }

    private InMemoryStorage(String name, Clock clock, boolean streaming) {
        this.name = name;
        this.clock = clock;
        this.streaming = streaming;
    }

    /** An empty storage named {@code memory} that receives every byte as it is written. */
    public static InMemoryStorage streaming() {
        return new InMemoryStorage("memory", Clock.systemUTC(), true);
    }

    /**
     * Every byte of object content this store has received: as it is written in
     * {@link #streaming()} mode, at commit otherwise.
     */
    public long receivedBytes() {
        return received.get();
    }

    /**
     * From now on every operation fails with an {@link IOException} of this message, as a
     * store that cannot be reached does; {@code null} brings it back.
     */
    public void failAll(String message) {
        failure.set(message);
    }

    private void reachable() throws IOException {
        String message = failure.get();
        if (message != null) {
            throw new IOException(name + ": " + message);
        }
    }

    /**
     * From now on every commit fails with an {@link IOException} of this message, and
     * leaves nothing visible; {@code null} makes commits work again.
     */
    public void failCommits(String message) {
        commitFailure.set(message);
    }

    /** The bytes of a committed object, or empty. */
    public Optional<byte[]> bytes(String service, String name) {
        return Optional.ofNullable(objects(service).get(name)).map(s -> s.bytes().clone());
    }

    @Override
    public String describe() {
        return name;
    }

    @Override
    public PendingObject create(String service, String name) throws IOException {
        Storage.checkNames(service, name);
        reachable();
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        OutputStream output = new FilterOutputStream(buffer) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                buffer.write(b, off, len);
                if (streaming) {
                    received.addAndGet(len);
                }
            }

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }
        };
        return new AbstractPendingObject() {
            @Override
            public OutputStream output() {
                return output;
            }

            @Override
            protected void publish() throws IOException {
                reachable();
                String failure = commitFailure.get();
                if (failure != null) {
                    throw new IOException(failure);
                }
                if (!streaming) {
                    received.addAndGet(buffer.size());
                }
                objects(service).put(name, new Stored(buffer.toByteArray(), clock.instant()));
            }

            @Override
            protected void discard() {
                buffer.reset();
            }
        };
    }

    @Override
    public InputStream open(String service, String name) throws IOException {
        Storage.checkNames(service, name);
        reachable();
        Stored stored = objects(service).get(name);
        if (stored == null) {
            throw new NoSuchFileException(this.name + ":" + service + "/" + name);
        }
        return new ByteArrayInputStream(stored.bytes());
    }

    @Override
    public List<StoredObject> list(String service) throws IOException {
        Storage.checkNames(service, null);
        reachable();
        return objects(service).entrySet().stream()
                .map(e -> new StoredObject(e.getKey(), e.getValue().bytes().length, e.getValue().modified()))
                .toList();
    }

    @Override
    public List<String> directories(String service) throws IOException {
        Storage.checkNames(service, null);
        reachable();
        String prefix = service + "/";
        return services.entrySet().stream().filter(e -> e.getKey().startsWith(prefix) && !e.getValue().isEmpty())
                .map(e -> e.getKey().substring(prefix.length())).sorted().toList();
    }

    @Override
    public void delete(String service, String name) throws IOException {
        Storage.checkNames(service, name);
        reachable();
        objects(service).remove(name);
    }

    private ConcurrentSkipListMap<String, Stored> objects(String service) {
        return services.computeIfAbsent(service, s -> new ConcurrentSkipListMap<>());
    }
}
