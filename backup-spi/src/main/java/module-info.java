/**
 * The storage and notification channel SPIs, and nothing else: what a plugin builds against. It needs
 * no module but {@code java.base}, so a plugin brings whatever libraries it likes.
 */
module org.pgbackup.spi {
    exports org.pgbackup.spi;
    exports org.pgbackup.spi.channel;
}
