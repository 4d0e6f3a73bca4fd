package org.pgbackup.config;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * Where a service's restore drills restore to, and what they check beyond the tables and
 * their rows. The server is the service's own unless {@code <PREFIX>_DRILL_HOST},
 * {@code _PORT}, {@code _USER} and {@code _PASSWORD} name another, so that a production
 * server can be spared the load. The role needs {@code CREATEDB}.
 *
 * @param host the drill server's host name
 * @param port its port
 * @param user the role that creates and drops the scratch database
 * @param password supplies that role's password; {@link #toString()} never shows it
 * @param check a query that must return true in the restored database
 *     ({@code <PREFIX>_DRILL_SQL}), or empty
 *
 * <p>Immutable, and so safe to share between threads.
 */
public record DrillSettings(String host, int port, String user, Supplier<char[]> password, Optional<String> check) {

    public DrillSettings {
        requireNonNull(host, "host is null");
        requireNonNull(user, "user is null");
        requireNonNull(password, "password is null");
        requireNonNull(check, "check is null");
    }

    /** {@code host:port}, as messages name the server. */
    public String address() {
        return host + ":" + port;
    }

    @Override
    public String toString() {
        return "DrillSettings[host=" + host + ", port=" + port + ", user=" + user + ", password=****, check="
                + check.map(sql -> "set").orElse("none") + "]";
    }
}
