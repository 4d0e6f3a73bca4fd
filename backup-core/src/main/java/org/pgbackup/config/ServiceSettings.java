package org.pgbackup.config;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/**
 * How to reach one PostgreSQL service of {@code DATABASE_LIST}, read from its
 * {@code <PREFIX>_POSTGRES_*} variables.
 *
 * @param name the identifier in {@code DATABASE_LIST}, also the directory name of its archives
 * @param envPrefix the prefix of its variables, for example {@code USER_DB_} for {@code user-db}
 * @param host the server's host name
 * @param port the server's port
 * @param user the role the controller connects as
 * @param password that role's password; {@link #toString()} never shows it
 * @param database the one database this service's archives hold
 * @param dataDirectory the server's data directory, as mounted for {@code resetwal}
 */
public record ServiceSettings(String name, String envPrefix, String host, int port, String user, String password,
        String database, Path dataDirectory) {

    public ServiceSettings {
        requireNonNull(name, "name is null");
        requireNonNull(envPrefix, "envPrefix is null");
        requireNonNull(host, "host is null");
        requireNonNull(user, "user is null");
        requireNonNull(password, "password is null");
        requireNonNull(database, "database is null");
        requireNonNull(dataDirectory, "dataDirectory is null");
    }

    /** {@code host:port}, as messages name the server. */
    public String address() {
        return host + ":" + port;
    }

    @Override
    public String toString() {
        return "ServiceSettings[name=" + name + ", host=" + host + ", port=" + port + ", user=" + user
                + ", password=****, database=" + database + ", dataDirectory=" + dataDirectory + "]";
    }
}
