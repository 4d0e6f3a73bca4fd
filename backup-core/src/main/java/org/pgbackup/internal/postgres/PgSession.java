package org.pgbackup.internal.postgres;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import java.util.function.Supplier;
import org.postgresql.Driver;

/**
 * A JDBC session with a server, for what the client programs cannot do: hold a transaction
 * open while {@code pg_dump} reads its exported snapshot, and the catalog queries of a
 * restore drill. The password goes to the driver in memory, never to a process or a log.
 */
public final class PgSession implements AutoCloseable {
    private final Connection connection;

    private PgSession(Connection connection) {
        this.connection = connection;
    }

    /**
     * Connects, waiting at most 10 seconds, as the client programs do ({@code PGCONNECT_TIMEOUT}).
     *
     * @throws SQLException if the server cannot be reached or refuses the login
     */
    public static PgSession open(String host, int port, String user, Supplier<char[]> password, String database)
            throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        properties.setProperty("password", new String(password.get()));
        properties.setProperty("connectTimeout", "10");
        properties.setProperty("ApplicationName", "pg-backup-controller");
        String address = host.contains(":") ? "[" + host + "]" : host;
        String url = "jdbc:postgresql://" + address + ":" + port + "/"
                + URLEncoder.encode(database, StandardCharsets.UTF_8).replace("+", "%20");
        Connection connection = new Driver().connect(url, properties);
        if (connection == null) {
            throw new SQLException("the driver does not accept " + url);
        }
        return new PgSession(connection);
    }

    /**
     * A session on a server's {@code postgres} database, or {@code template1} where there is
     * none: the databases every server has for statements about the others.
     */
    public static PgSession openMaintenance(String host, int port, String user, Supplier<char[]> password)
            throws SQLException {
        try {
            return open(host, port, user, password, "postgres");
        } catch (SQLException e) {
            if (!"3D000".equals(e.getSQLState())) {
                throw e;
            }
            return open(host, port, user, password, "template1");
        }
    }

    /** The JDBC connection, for the statements of its owner. */
    public Connection connection() {
        return connection;
    }

    /** A name as a quoted identifier, safe in any statement. */
    public static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    /** Ends the session at once, even while another thread waits for a query's answer. */
    public void abort() {
        try {
            connection.abort(Runnable::run);
        } catch (SQLException e) {
            // Closing the socket is all abort does; nothing is left to undo.
        }
    }

    /** Ends the session; an open transaction is rolled back by the server. */
    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            // The session ends with its socket either way.
        }
    }
}
