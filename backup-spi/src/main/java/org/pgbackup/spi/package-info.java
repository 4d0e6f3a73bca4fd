/**
 * The storage SPI: what a destination for archives implements. A provider is found through
 * {@link java.util.ServiceLoader}: list its class in
 * {@code META-INF/services/org.pgbackup.spi.StorageProvider} and put the jar on the
 * controller's classpath (the launcher adds {@code plugins/*}).
 *
 * <p>The API is deliberately small: a {@link org.pgbackup.spi.Storage} stores named objects
 * per service, writes them atomically through a {@link org.pgbackup.spi.PendingObject},
 * reads, lists and deletes them. A provider reads its own settings with {@link
 * org.pgbackup.spi.Settings}. Plugins depend on this package alone.
 *
 * <p>The module {@code backup-storage-testkit} holds the contract suite that checks an
 * implementation against every rule written here, the provider-level checks, and an
 * in-memory storage.
 */
package org.pgbackup.spi;
