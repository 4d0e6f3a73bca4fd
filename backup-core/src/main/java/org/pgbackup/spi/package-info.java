/**
 * The storage SPI: what a destination for archives implements. A provider is found through
 * {@link java.util.ServiceLoader}: list its class in
 * {@code META-INF/services/org.pgbackup.spi.StorageProvider} and put the jar on the
 * controller's classpath (the launcher adds {@code plugins/*}).
 *
 * <p>The API is deliberately small: a {@link org.pgbackup.spi.Storage} stores named objects
 * per service, writes them atomically through a {@link org.pgbackup.spi.PendingObject},
 * reads, lists and deletes them. The contract suite {@code AbstractStorageContractTest}
 * in backup-core's test-jar checks an implementation against every rule written here.
 */
package org.pgbackup.spi;
