package org.pgbackup.internal.postgres;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.zip.CRC32;
import org.pgbackup.config.ServiceSettings;
import org.pgbackup.error.DumpFailedException;
import org.pgbackup.error.HeldByOtherControllerException;
import org.pgbackup.error.ServiceBusyException;

/**
 * The lock that makes one controller, of however many, back up or restore a database at a time: a
 * PostgreSQL session-level advisory lock in the database itself, under a fixed namespace and a
 * key derived from the database's name, so that controllers on different hosts, with different
 * volumes and different service names for the same database, meet on the server. The server
 * releases it when the session ends, however the controller ends.
 */
public final class AdvisoryLock implements AutoCloseable {
    /** The first half of every key: "PGBK", so that the controller's keys do not meet an application's. */
    static final int NAMESPACE = 0x5047424B;
    private static final Duration POLL = Duration.ofMillis(500);
    private static final String HOLDER = "SELECT coalesce(nullif(a.application_name, ''), '(no application name)'),"
            + " coalesce(host(a.client_addr), 'a local socket (or an address this role may not see)'), a.backend_start, a.pid"
            + " FROM pg_catalog.pg_locks l JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid"
            + " WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2 AND l.classid = ?::bigint::oid"
            + " AND l.objid = ?::bigint::oid AND l.database = (SELECT oid FROM pg_catalog.pg_database"
            + " WHERE datname = current_database())";

    private final PgSession session;
    private final int key;

    private AdvisoryLock(PgSession session, int key) {
        this.session = session;
        this.key = key;
    }

    /** The second half of a database's key: the CRC-32 of its name, the same in every controller. */
    static int keyOf(String database) {
        CRC32 crc = new CRC32();
        crc.update(database.getBytes(StandardCharsets.UTF_8));
        return (int) crc.getValue();
    }

    /**
     * Takes the lock for a dump. A dump that finds it held leaves its slot to the holder,
     * another controller dumping the same database now, even if the holder finishes within
     * {@code wait}: otherwise the slot would get two archives. It waits up to {@code wait} only
     * to say whether the holder finished.
     *
     * @throws HeldByOtherControllerException if another session held it when the dump began,
     *     naming that session's application, address and start
     * @throws DumpFailedException if the lock's session cannot be opened
     */
    public static AdvisoryLock forDump(ServiceSettings settings, Duration wait, Clock clock) {
        return take(settings, wait, clock, true);
    }

    /**
     * Takes the lock for a restore, waiting up to {@code wait} for a holder to let go.
     *
     * @throws HeldByOtherControllerException if another session still holds it after the wait
     * @throws DumpFailedException if the lock's session cannot be opened
     */
    public static AdvisoryLock forRestore(ServiceSettings settings, Duration wait, Clock clock) {
        return take(settings, wait, clock, false);
    }

    private static AdvisoryLock take(ServiceSettings settings, Duration wait, Clock clock, boolean leaveSlot) {
        PgSession session;
        try {
            session = PgSession.open(settings.host(), settings.port(), settings.user(), settings.password(),
                    settings.database());
        } catch (SQLException e) {
            throw new DumpFailedException("Cannot open the session that holds the backup lock of database '"
                    + settings.database() + "' at " + settings.address() + ": " + e.getMessage());
        }
        int key = keyOf(settings.database());
        Instant deadline = clock.instant().plus(wait);
        String database = "Database '" + settings.database() + "' at " + settings.address();
        try {
            if (tryLock(session.connection(), key)) {
                return new AdvisoryLock(session, key);
            }
            String holder = holder(session.connection(), key);
            while (clock.instant().isBefore(deadline)) {
                Thread.sleep(POLL.toMillis());
                if (tryLock(session.connection(), key)) {
                    if (!leaveSlot) {
                        return new AdvisoryLock(session, key);
                    }
                    session.close();
                    throw new HeldByOtherControllerException(database + " was being backed up by another"
                            + " controller when this dump began: " + holder + " held its backup lock and has"
                            + " finished since. That controller took this slot's backup, so this one stores"
                            + " nothing");
                }
            }
            session.close();
            throw new HeldByOtherControllerException(database + " is being backed up or restored by another"
                    + " controller: " + holder + " holds its backup lock, and did not let go within"
                    + " LOCK_WAIT_SECONDS (" + wait.toSeconds() + "s). " + (leaveSlot ? "That controller is taking"
                            + " this backup, so this one stores nothing" : "Try again when it is done")
                    + "; if no other controller should be at work, end its session on the server (SELECT"
                    + " pg_terminate_backend(<pid>))");
        } catch (SQLException e) {
            session.close();
            throw new DumpFailedException("Cannot take the backup lock of " + database + ": " + e.getMessage());
        } catch (InterruptedException e) {
            session.close();
            Thread.currentThread().interrupt();
            throw new ServiceBusyException("Interrupted while waiting for the backup lock of " + database);
        }
    }

    private static boolean tryLock(Connection connection, int key) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement("SELECT pg_catalog.pg_try_advisory_lock(?, ?)")) {
            s.setInt(1, NAMESPACE);
            s.setInt(2, key);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /** Who holds the lock, as pg_stat_activity tells it; a session that left in between is said so. */
    private static String holder(Connection connection, int key) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement(HOLDER)) {
            s.setLong(1, NAMESPACE & 0xFFFFFFFFL);
            s.setLong(2, key & 0xFFFFFFFFL);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return "a session that has just ended";
                }
                java.sql.Timestamp since = rs.getTimestamp(3);
                return "'" + rs.getString(1) + "' from " + rs.getString(2)
                        + (since == null ? "" : ", connected since " + since.toInstant()) + " (PostgreSQL pid "
                        + rs.getInt(4) + ")";
            }
        }
    }

    /** Lets go: the session's end releases the lock, whatever else happens. */
    @Override
    public void close() {
        try (PreparedStatement s = session.connection().prepareStatement(
                "SELECT pg_catalog.pg_advisory_unlock(?, ?)")) {
            s.setInt(1, NAMESPACE);
            s.setInt(2, key);
            s.execute();
        } catch (SQLException e) {
            // Closing the session below releases it anyway.
        } finally {
            session.close();
        }
    }
}
