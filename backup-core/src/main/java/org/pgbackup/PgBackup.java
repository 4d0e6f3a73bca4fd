package org.pgbackup;

import org.pgbackup.config.ConfigurationBuilder;

/**
 * Where an embedding service starts:
 *
 * <pre>{@code
 * try (BackupController client = PgBackup.configure()
 *         .backupRoot(Path.of("/srv/backups"))
 *         .service("users", s -> s.host("db").user("backup").password(secret).database("users"))
 *         .storage("local")
 *         .load()) {
 *     DumpResult result = client.dump("users", DumpOptions.defaults());
 * }
 * }</pre>
 *
 * <p>Each client owns its child processes, threads and destinations; closing it ends them
 * and nothing else. Nothing in the library is static and mutable, so clients in one JVM
 * never affect each other.
 */
public final class PgBackup {
    private PgBackup() {
    }

    /** A configuration to fill in; {@link ConfigurationBuilder#load()} opens the client. */
    public static ConfigurationBuilder configure() {
        return new ConfigurationBuilder();
    }
}
