package org.pgbackup.naming;

/**
 * The companions of an archive, named after it, which list, retention and deletion treat
 * with the archive as one unit.
 *
 * <p>Immutable, and so safe to share between threads.
 */
public enum Sidecar {
    /** What the archive is and its checksum, written once the archive is complete. */
    MANIFEST(".manifest.json"),
    /**
     * The instance's roles, from {@code pg_dumpall --roles-only}. They hold password
     * hashes, so beside an encrypted archive they are encrypted too, and named
     * {@code .roles.sql.age}.
     */
    ROLES(".roles.sql");

    private final String suffix;

    Sidecar(String suffix) {
        this.suffix = suffix;
    }

    /** The sidecar's file name for an archive's file name. */
    public String of(String archiveFileName) {
        boolean encrypted = this == ROLES && archiveFileName.endsWith(".age");
        return archiveFileName + suffix + (encrypted ? ".age" : "");
    }
}
