package org.pgbackup.config;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * How to reach one PostgreSQL service, read from its {@code <PREFIX>_POSTGRES_*} variables
 * or given to {@link ConfigurationBuilder#service}.
 *
 * @param name the service's identifier, also the directory name of its archives
 * @param envPrefix the prefix of its variables, for example {@code USER_DB_} for {@code user-db}
 * @param host the server's host name
 * @param port the server's port
 * @param user the role the controller connects as
 * @param password supplies that role's password each time a program connects; asked again
 *     each time, so that a rotated secret is picked up. {@link #toString()} never shows it
 * @param database the one database this service's archives hold
 * @param dataDirectory the server's data directory, as mounted for {@code resetwal}
 */
public record ServiceSettings(String name, String envPrefix, String host, int port, String user,
        Supplier<char[]> password, String database, Path dataDirectory) {

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

    /**
     * The details of one service for {@link ConfigurationBuilder#service}. Unset details take
     * the defaults of the environment: the service's name as host, port 5432, user, password
     * and database {@code postgres}, and {@code <databases root>/<name>} as data directory.
     */
    public static final class Builder {
        private String host;
        private int port = 5432;
        private String user = "postgres";
        private Supplier<char[]> password = "postgres"::toCharArray;
        private String database = "postgres";
        private Path dataDirectory;

        Builder() {
        }

        /** The server's host name or address. */
        public Builder host(String host) {
            this.host = requireNonNull(host, "host is null");
            return this;
        }

        /** The server's port, 1 to 65535. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** The role to connect as. */
        public Builder user(String user) {
            this.user = requireNonNull(user, "user is null");
            return this;
        }

        /** The role's password; the array is copied, so the caller may clear its own. */
        public Builder password(char[] password) {
            char[] copy = Arrays.copyOf(requireNonNull(password, "password is null"), password.length);
            this.password = () -> copy.clone();
            return this;
        }

        /** Where to ask for the role's password each time a program connects. */
        public Builder password(Supplier<char[]> password) {
            this.password = requireNonNull(password, "password is null");
            return this;
        }

        /** The database the archives hold. */
        public Builder database(String database) {
            this.database = requireNonNull(database, "database is null");
            return this;
        }

        /** The server's data directory as mounted here, for {@code resetwal}. */
        public Builder dataDirectory(Path dataDirectory) {
            this.dataDirectory = requireNonNull(dataDirectory, "dataDirectory is null");
            return this;
        }

        int port() {
            return port;
        }

        ServiceSettings build(String name, Path databasesRoot) {
            return new ServiceSettings(name, EnvironmentVariables.envPrefix(name), Optional.ofNullable(host).orElse(name),
                    port, user, password, database,
                    Optional.ofNullable(dataDirectory).orElseGet(() -> databasesRoot.resolve(name)));
        }
    }
}
