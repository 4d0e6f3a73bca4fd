package org.pgbackup.config;

import static java.util.Objects.requireNonNull;

import java.util.function.Supplier;

/**
 * Whether a service's WAL is streamed and base backups taken for point-in-time recovery
 * ({@code <PREFIX>_PITR}), and the role that streams them.
 *
 * @param enabled whether the service has point-in-time recovery; off by default
 * @param user the role for replication connections: {@code <PREFIX>_REPLICATION_USER}, or the
 *     service's own user. It needs the {@code REPLICATION} attribute and a {@code pg_hba.conf}
 *     line for replication
 * @param password supplies that role's password; {@link #toString()} never shows it
 *
 * <p>Immutable, and so safe to share between threads.
 */
public record PitrSettings(boolean enabled, String user, Supplier<char[]> password) {

    public PitrSettings {
        requireNonNull(user, "user is null");
        requireNonNull(password, "password is null");
    }

    @Override
    public String toString() {
        return "PitrSettings[enabled=" + enabled + ", user=" + user + ", password=****]";
    }
}
