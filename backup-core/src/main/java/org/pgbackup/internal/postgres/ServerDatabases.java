package org.pgbackup.internal.postgres;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.pgbackup.config.ServiceSettings;

/**
 * The databases of a whole-server service's server, through a session on its maintenance
 * database: which there are, and creating one that a restore brings back.
 */
public final class ServerDatabases implements AutoCloseable {
    private final PgSession session;

    private ServerDatabases(PgSession session) {
        this.session = session;
    }

    /** One database: its name and the role that owns it. */
    public record Database(String name, String owner) {
    }

    /**
     * Connects as the service's role.
     *
     * @throws SQLException if the server cannot be reached or refuses the login
     */
    public static ServerDatabases connect(ServiceSettings service) throws SQLException {
        return new ServerDatabases(PgSession.openMaintenance(service.host(), service.port(), service.user(),
                service.password()));
    }

    /** The databases that accept connections and are not templates, by name. */
    public List<Database> list() throws SQLException {
        List<Database> found = new ArrayList<>();
        try (Statement s = session.connection().createStatement(); ResultSet rs = s.executeQuery(
                "SELECT datname, pg_catalog.pg_get_userbyid(datdba) FROM pg_catalog.pg_database"
                        + " WHERE datallowconn AND NOT datistemplate ORDER BY datname COLLATE \"C\"")) {
            while (rs.next()) {
                found.add(new Database(rs.getString(1), rs.getString(2)));
            }
        }
        return found;
    }

    /** Whether a database of that name exists. */
    public boolean exists(String database) throws SQLException {
        return oneRow("SELECT 1 FROM pg_catalog.pg_database WHERE datname = ?", database);
    }

    /** Whether a role of that name exists. */
    public boolean roleExists(String role) throws SQLException {
        return oneRow("SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = ?", role);
    }

    /**
     * Creates an empty database from {@code template0}, as {@code pg_dump}'s archives expect,
     * owned by {@code owner} when given.
     */
    public void create(String database, Optional<String> owner) throws SQLException {
        try (Statement s = session.connection().createStatement()) {
            s.execute("CREATE DATABASE " + PgSession.quote(database) + " TEMPLATE template0"
                    + owner.map(o -> " OWNER " + PgSession.quote(o)).orElse(""));
        }
    }

    /** Drops a database this controller created, when the restore into it failed. */
    public void drop(String database) throws SQLException {
        try (Statement s = session.connection().createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + PgSession.quote(database));
        }
    }

    private boolean oneRow(String sql, String value) throws SQLException {
        try (PreparedStatement s = session.connection().prepareStatement(sql)) {
            s.setString(1, value);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next();
            }
        }
    }

    @Override
    public void close() {
        session.close();
    }
}
