/**
 * The kit for authors of storage providers and for embedders: {@link
 * org.pgbackup.storage.testkit.StorageContract} (every rule of a storage, threads included),
 * {@link org.pgbackup.storage.testkit.StorageProviderContract} (discovery, ids, settings and
 * their problems), and {@link org.pgbackup.storage.testkit.InMemoryStorage} to test with.
 * Depend on {@code org.pgbackup:backup-storage-testkit} in test scope and extend the two
 * contracts; {@code examples/storage-plugin} shows the whole of it.
 */
package org.pgbackup.storage.testkit;
