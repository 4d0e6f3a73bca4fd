package org.pgbackup.storage.testkit;

import static java.util.Objects.requireNonNull;

import org.pgbackup.spi.Storage;
import org.pgbackup.spi.StorageContext;
import org.pgbackup.spi.StorageProvider;

/**
 * Hands out one {@link InMemoryStorage}, for a client configured in code:
 * {@code PgBackup.configure().storageProviders(List.of(provider, ...)).storage("memory")}.
 * Not registered with {@link java.util.ServiceLoader}, so that it never appears in a
 * controller by accident.
 */
public final class InMemoryStorageProvider implements StorageProvider {
    private final String id;
    private final InMemoryStorage storage;

    /** A provider with id {@code memory} and an empty storage. */
    public InMemoryStorageProvider() {
        this("memory", new InMemoryStorage());
    }

    /** A provider with the given id, handing out the given storage. */
    public InMemoryStorageProvider(String id, InMemoryStorage storage) {
        this.id = requireNonNull(id, "id is null");
        this.storage = requireNonNull(storage, "storage is null");
    }

    /** The storage every {@link #create} returns. */
    public InMemoryStorage storage() {
        return storage;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public Storage create(StorageContext context) {
        return storage;
    }
}
