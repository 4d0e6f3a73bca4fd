package org.pgbackup.internal.postgres;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.pgbackup.config.DrillSettings;

/**
 * The server a restore drill restores to, through a session on its maintenance database:
 * scratch databases created, found and dropped. Scratch databases are named
 * {@code <prefix><UTC yyyyMMddHHmmss>}; one whose name sorts before the current drill's and
 * that nobody is connected to is a leftover of a drill that was killed.
 */
public final class DrillServer implements AutoCloseable {
    /** The SQL state of a missing privilege, such as {@code CREATEDB}. */
    public static final String INSUFFICIENT_PRIVILEGE = "42501";
    private static final Pattern STAMP = Pattern.compile("\\d{14}");
    private final PgSession session;
    private final PgVersion version;

    private DrillServer(PgSession session, PgVersion version) {
        this.session = session;
        this.version = version;
    }

    /**
     * Connects to the drill server's {@code postgres} database, or {@code template1} where
     * there is none.
     *
     * @throws SQLException if it cannot be reached or refuses the login
     */
    public static DrillServer connect(DrillSettings drill) throws SQLException {
        PgSession session = PgSession.openMaintenance(drill.host(), drill.port(), drill.user(), drill.password());
        try (Statement s = session.connection().createStatement(); ResultSet rs = s.executeQuery(
                "SELECT current_setting('server_version_num'), current_setting('server_version')")) {
            rs.next();
            String num = rs.getString(1);
            String text = rs.getString(2);
            return new DrillServer(session, PgVersion.ofServer(num, text)
                    .orElseThrow(() -> new SQLException("unexpected server version " + text)));
        } catch (SQLException | RuntimeException e) {
            session.close();
            throw e;
        }
    }

    public PgVersion version() {
        return version;
    }

    /**
     * Drops the scratch databases of earlier drills that nobody uses: named with the prefix
     * and a time stamp that sorts before {@code current}, or equals it (a drill killed in the
     * same second as this one started; a drill still running holds a session on its database,
     * so its database is never dropped).
     *
     * @return the names dropped; those that could not be are left for the next drill
     */
    public List<String> dropLeftovers(String prefix, String current, List<String> notDropped) throws SQLException {
        List<String> found = new ArrayList<>();
        try (PreparedStatement s = session.connection().prepareStatement(
                "SELECT datname FROM pg_catalog.pg_database WHERE left(datname, length(?)) = ? ORDER BY 1")) {
            s.setString(1, prefix);
            s.setString(2, prefix);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    found.add(rs.getString(1));
                }
            }
        }
        List<String> dropped = new ArrayList<>();
        for (String name : found) {
            String stamp = name.substring(prefix.length());
            if (!STAMP.matcher(stamp).matches() || name.compareTo(current) > 0) {
                continue;
            }
            try (Statement s = session.connection().createStatement()) {
                // Without FORCE: a drill still running holds a session on its database, so this fails for it.
                s.execute("DROP DATABASE " + PgSession.quote(name));
                dropped.add(name);
            } catch (SQLException e) {
                notDropped.add(name + ": " + e.getMessage());
            }
        }
        return dropped;
    }

    /**
     * Creates an empty scratch database from {@code template0}, so that nothing added to
     * {@code template1} meets the archive's objects.
     *
     * @throws SQLException with {@link #INSUFFICIENT_PRIVILEGE} when the role lacks {@code CREATEDB}
     */
    public void create(String name) throws SQLException {
        try (Statement s = session.connection().createStatement()) {
            s.execute("CREATE DATABASE " + PgSession.quote(name) + " TEMPLATE template0");
        }
    }

    /** Drops a scratch database and any session still on it. */
    public void drop(String name) throws SQLException {
        try (Statement s = session.connection().createStatement()) {
            if (version.major() >= 13) {
                s.execute("DROP DATABASE IF EXISTS " + PgSession.quote(name) + " WITH (FORCE)");
                return;
            }
            try (PreparedStatement kill = session.connection().prepareStatement(
                    "SELECT pg_terminate_backend(pid) FROM pg_catalog.pg_stat_activity WHERE datname = ?")) {
                kill.setString(1, name);
                kill.execute();
            }
            s.execute("DROP DATABASE IF EXISTS " + PgSession.quote(name));
        }
    }

    @Override
    public void close() {
        session.close();
    }
}
