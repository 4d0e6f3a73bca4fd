package org.pgbackup.config;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
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
 * @param database the one database this service's archives hold, or {@value #EVERY_DATABASE}
 *     for a whole-server service: every database of the server that accepts connections and
 *     is not a template, found anew at each run, each in a directory of its own
 * @param excludeDatabases names a whole-server service leaves out
 *     ({@code <PREFIX>_EXCLUDE_DATABASES}); empty for a single-database service
 * @param dataDirectory the server's data directory, as mounted for {@code resetwal}
 * @param tables the part of the database its archives hold
 * @param healthcheckPing this service's own healthchecks.io-style ping URL
 *     ({@code <PREFIX>_HEALTHCHECK_PING_URL}), beside the run-wide one
 * @param drill where and how restore drills of this service run
 * @param pitr whether its WAL is streamed for point-in-time recovery, and as whom
 * @param source how the service was configured, which decides how messages name its settings
 *
 * <p>Immutable, and so safe to share between threads.
 */
public record ServiceSettings(String name, String envPrefix, String host, int port, String user,
        Supplier<char[]> password, String database, List<String> excludeDatabases, Path dataDirectory,
        TableSelection tables, Optional<URI> healthcheckPing, DrillSettings drill, PitrSettings pitr,
        ConfigurationSource source) {

    /** The {@code <PREFIX>_POSTGRES_DB} of a whole-server service. */
    public static final String EVERY_DATABASE = "*";

    public ServiceSettings {
        requireNonNull(name, "name is null");
        requireNonNull(envPrefix, "envPrefix is null");
        requireNonNull(host, "host is null");
        requireNonNull(user, "user is null");
        requireNonNull(password, "password is null");
        requireNonNull(database, "database is null");
        excludeDatabases = List.copyOf(excludeDatabases);
        requireNonNull(dataDirectory, "dataDirectory is null");
        requireNonNull(tables, "tables is null");
        requireNonNull(healthcheckPing, "healthcheckPing is null");
        requireNonNull(drill, "drill is null");
        requireNonNull(pitr, "pitr is null");
        requireNonNull(source, "source is null");
    }

    /**
     * One of this service's settings as its user sets it: {@code SHOP_POSTGRES_PORT}, or
     * {@code service("shop", s -> s.port(...))}.
     */
    public String setting(String variable, String method) {
        return source.serviceSetting(name, variable, method);
    }

    /** The settings that say where and as whom this service connects, for messages about connecting. */
    public String connectionSettings() {
        return source.either(envPrefix + "POSTGRES_HOST, _PORT, _USER, _PASSWORD and _DB",
                "the host, port, user, password and database given to service(\"" + name + "\", ...)");
    }

    /** The settings of this service's drill server, for messages about drills. */
    public String drillSettings() {
        return source.either(envPrefix + "DRILL_HOST, _PORT, _USER and _PASSWORD",
                "drillServer(...) of service(\"" + name + "\", ...)");
    }

    /** Whether this service backs up every database of its server ({@code <PREFIX>_POSTGRES_DB=*}). */
    public boolean wholeServer() {
        return EVERY_DATABASE.equals(database);
    }

    /** This service narrowed to one database of its server, as a whole-server run dumps each. */
    public ServiceSettings forDatabase(String name) {
        return new ServiceSettings(this.name, envPrefix, host, port, user, password, name, List.of(),
                dataDirectory, tables, healthcheckPing, drill, pitr, source);
    }

    /**
     * This service as its replication role connects: {@link PitrSettings#user()} and its
     * password in place of the service's own, for streaming and base backups; a whole-server
     * service's queries go to its {@code postgres} database.
     */
    public ServiceSettings asReplicationRole() {
        return new ServiceSettings(name, envPrefix, host, port, pitr.user(), pitr.password(),
                wholeServer() ? "postgres" : database,
                excludeDatabases, dataDirectory, tables, healthcheckPing, drill, pitr, source);
    }

    /** {@code host:port}, as messages name the server. */
    public String address() {
        return host + ":" + port;
    }

    @Override
    public String toString() {
        return "ServiceSettings[name=" + name + ", host=" + host + ", port=" + port + ", user=" + user
                + ", password=****, database=" + database + (excludeDatabases.isEmpty() ? ""
                        : ", excludeDatabases=" + excludeDatabases) + ", dataDirectory=" + dataDirectory + ", tables="
                + tables.describe() + ", healthcheckPing=" + (healthcheckPing.isPresent() ? "set" : "none")
                + ", drill=" + drill + (pitr.enabled() ? ", pitr=" + pitr : "") + "]";
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
        private List<String> excludeDatabases = List.of();
        private Path dataDirectory;
        private TableSelection tables = TableSelection.all();
        private URI healthcheckPing;
        private String drillHost;
        private Integer drillPort;
        private String drillUser;
        private Supplier<char[]> drillPassword;
        private String drillCheck;
        private boolean pitr;
        private String replicationUser;
        private Supplier<char[]> replicationPassword;

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

        /** Names of databases a whole-server service ({@code database("*")}) leaves out. */
        public Builder excludeDatabases(List<String> names) {
            this.excludeDatabases = List.copyOf(names);
            return this;
        }

        List<String> excludeDatabases() {
            return excludeDatabases;
        }

        String database() {
            return database;
        }

        /**
         * The server's data directory as mounted here: what {@code resetwal} resets, and where
         * {@code restore-pitr} writes unless told otherwise.
         */
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

        /** Streams this service's WAL and takes its base backups, for point-in-time recovery. */
        public Builder pitr(boolean enabled) {
            this.pitr = enabled;
            return this;
        }

        /**
         * The role that streams WAL and takes base backups, if not the service's own user;
         * a null password is the service's own.
         */
        public Builder replicationRole(String user, Supplier<char[]> password) {
            this.replicationUser = requireNonNull(user, "user is null");
            this.replicationPassword = password;
            return this;
        }

        int port() {
            return port;
        }

        Integer drillPort() {
            return drillPort;
        }

        ServiceSettings build(String name, Path databasesRoot, ConfigurationSource source) {
            String server = Optional.ofNullable(host).orElse(name);
            DrillSettings drill = new DrillSettings(Optional.ofNullable(drillHost).orElse(server),
                    Optional.ofNullable(drillPort).orElse(port), Optional.ofNullable(drillUser).orElse(user),
                    Optional.ofNullable(drillPassword).orElse(password), Optional.ofNullable(drillCheck));
            PitrSettings streaming = new PitrSettings(pitr, Optional.ofNullable(replicationUser).orElse(user),
                    Optional.ofNullable(replicationPassword).orElse(password));
            return new ServiceSettings(name, EnvironmentVariables.envPrefix(name), server, port, user, password,
                    database, excludeDatabases,
                    Optional.ofNullable(dataDirectory).orElseGet(() -> databasesRoot.resolve(name)),
                    tables, Optional.ofNullable(healthcheckPing), drill, streaming, source);
        }
    }
}
