/**
 * The storage provider SPI, and nothing else: what a storage plugin builds against. It needs
 * no module but {@code java.base}, so a plugin brings whatever libraries it likes.
 */
module org.pgbackup.spi {
    exports org.pgbackup.spi;
}
