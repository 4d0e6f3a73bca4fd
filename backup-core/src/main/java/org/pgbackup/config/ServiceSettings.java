package org.pgbackup.config;

import static java.util.Objects.requireNonNull;

import java.net.URI;
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
 * @param tables the part of the database its archives hold
 * @param healthcheckPing this service's own healthchecks.io-style ping URL
 *     ({@code <PREFIX>_HEALTHCHECK_PING_URL}), beside the run-wide one
 * @param drill where and how restore drills of this service run
 */
public record ServiceSettings(String name, String envPrefix, String host, int port, String user,
        Supplier<char[]> password, String database, Path dataDirectory, TableSelection tables,
        Optional<URI> healthcheckPing, DrillSettings drill) {

    public ServiceSettings {
        requireNonNull(name, "name is null");
        requireNonNull(envPrefix, "envPrefix is null");
        requireNonNull(host, "host is null");
        requireNonNull(user, "user is null");
        requireNonNull(password, "password is null");
        requireNonNull(database, "database is null");
        requireNonNull(dataDirectory, "dataDirectory is null");
        requireNonNull(tables, "tables is null");
        requireNonNull(healthcheckPing, "healthcheckPing is null");
        requireNonNull(drill, "drill is null");
    }

    /** {@code host:port}, as messages name the server. */
    public String address() {
        return host + ":" + port;
    }

    @Override
    public String toString() {
        return "ServiceSettings[name=" + name + ", host=" + host + ", port=" + port + ", user=" + user
                + ", password=****, database=" + database + ", dataDirectory=" + dataDirectory + ", tables="
                + tables.describe() + ", healthcheckPing=" + (healthcheckPing.isPresent() ? "set" : "none")
                + ", drill=" + drill + "]";
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
        private TableSelection tables = TableSelection.all();
        private URI healthcheckPing;
        private String drillHost;
        private Integer drillPort;
        private String drillUser;
        private Supplier<char[]> drillPassword;
        private String drillCheck;

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

        /** The part of the database to dump; all of it unless set. */
        public Builder tables(TableSelection tables) {
            this.tables = requireNonNull(tables, "tables is null");
            return this;
        }

        /** This service's own ping URL: {@code /start}, the URL itself, or {@code /fail} at each dump. */
        public Builder healthcheckPing(URI url) {
            this.healthcheckPing = requireNonNull(url, "url is null");
            return this;
        }

        /**
         * Another server for this service's restore drills; each detail left null is the
         * service's own.
         */
        public Builder drillServer(String host, Integer port, String user, Supplier<char[]> password) {
            this.drillHost = host;
            this.drillPort = port;
            this.drillUser = user;
            this.drillPassword = password;
            return this;
        }

        /** A query that must return true in a drill's restored database. */
        public Builder drillCheck(String sql) {
            this.drillCheck = requireNonNull(sql, "sql is null");
            return this;
        }

        int port() {
            return port;
        }

        Integer drillPort() {
            return drillPort;
        }

        ServiceSettings build(String name, Path databasesRoot) {
            String server = Optional.ofNullable(host).orElse(name);
            DrillSettings drill = new DrillSettings(Optional.ofNullable(drillHost).orElse(server),
                    Optional.ofNullable(drillPort).orElse(port), Optional.ofNullable(drillUser).orElse(user),
                    Optional.ofNullable(drillPassword).orElse(password), Optional.ofNullable(drillCheck));
            return new ServiceSettings(name, EnvironmentVariables.envPrefix(name), server, port, user, password,
                    database, Optional.ofNullable(dataDirectory).orElseGet(() -> databasesRoot.resolve(name)),
                    tables, Optional.ofNullable(healthcheckPing), drill);
        }
    }
}
