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
import org.pgbackup.config.DrillSettings;
import org.pgbackup.config.ServiceSettings;
import org.pgbackup.error.DrillFailedException;
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

    /** The first half of the drills' keys: "PGBD", apart from the backups', which drills must not hold up. */
    static final int DRILL_NAMESPACE = 0x50474244;

    private final PgSession session;
    private final int namespace;
    private final int key;

    private AdvisoryLock(PgSession session, int namespace, int key) {
        this.session = session;
        this.namespace = namespace;
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
        return take(backupSession(settings), NAMESPACE, keyOf(settings.database()), backupWords(settings), wait,
                clock, true);
    }

    /**
     * Takes the lock for a restore, waiting up to {@code wait} for a holder to let go.
     *
     * @throws HeldByOtherControllerException if another session still holds it after the wait
     * @throws DumpFailedException if the lock's session cannot be opened
     */
    public static AdvisoryLock forRestore(ServiceSettings settings, Duration wait, Clock clock) {
        return take(backupSession(settings), NAMESPACE, keyOf(settings.database()), backupWords(settings), wait,
                clock, false);
    }

    /**
     * Takes the lock of a database's drills on the drill server, waiting up to {@code wait}
     * for another controller's drill of it to end: two drills of one database into one server
     * would take each other's scratch database for a leftover. A key of its own, so that a
     * drill never makes a dump elsewhere give up its slot.
     *
     * @param scratchPrefix the prefix of the drill's scratch databases, which names the database
     * @throws HeldByOtherControllerException if another session still holds it after the wait
     * @throws DrillFailedException if the lock's session cannot be opened
     */
    public static AdvisoryLock forDrill(DrillSettings drill, String scratchPrefix, Duration wait, Clock clock) {
        PgSession session;
        try {
            session = PgSession.openMaintenance(drill.host(), drill.port(), drill.user(), drill.password());
        } catch (SQLException e) {
            throw new DrillFailedException("Cannot open the session that holds the drill lock of '" + scratchPrefix
                    + "*' at " + drill.address() + ": " + e.getMessage());
        }
        Words words = new Words("Drills into '" + scratchPrefix + "*' at " + drill.address(), "drill lock",
                "are being run by another controller", "Try again when it is done");
        return take(session, DRILL_NAMESPACE, keyOf(scratchPrefix), words, wait, clock, false);
    }

    /** How a lock's messages name what it guards. */
    private record Words(String subject, String lock, String busy, String advice) {
    }

    private static Words backupWords(ServiceSettings settings) {
        return new Words("Database '" + settings.database() + "' at " + settings.address(), "backup lock",
                "is being backed up or restored by another controller", "");
    }

    private static PgSession backupSession(ServiceSettings settings) {
        try {
            return PgSession.open(settings.host(), settings.port(), settings.user(), settings.password(),
                    settings.database());
        } catch (SQLException e) {
            throw new DumpFailedException("Cannot open the session that holds the backup lock of database '"
                    + settings.database() + "' at " + settings.address() + ": " + e.getMessage());
        }
    }

    private static AdvisoryLock take(PgSession session, int namespace, int key, Words words, Duration wait,
            Clock clock, boolean leaveSlot) {
        Instant deadline = clock.instant().plus(wait);
        try {
            if (tryLock(session.connection(), namespace, key)) {
                return new AdvisoryLock(session, namespace, key);
            }
            String holder = holder(session.connection(), namespace, key);
            while (clock.instant().isBefore(deadline)) {
                Thread.sleep(POLL.toMillis());
                if (tryLock(session.connection(), namespace, key)) {
                    if (!leaveSlot) {
                        return new AdvisoryLock(session, namespace, key);
                    }
                    session.close();
                    throw new HeldByOtherControllerException(words.subject() + " was being backed up by another"
                            + " controller when this dump began: " + holder + " held its backup lock and has"
                            + " finished since. That controller took this slot's backup, so this one stores"
                            + " nothing");
                }
            }
            session.close();
            String advice = leaveSlot ? "That controller is taking this backup, so this one stores nothing"
                    : words.advice().isEmpty() ? "Try again when it is done" : words.advice();
            throw new HeldByOtherControllerException(words.subject() + " " + words.busy() + ": " + holder
                    + " holds its " + words.lock() + ", and did not let go within LOCK_WAIT_SECONDS ("
                    + wait.toSeconds() + "s). " + advice + "; if no other controller should be at work, end its"
                    + " session on the server (SELECT pg_terminate_backend(<pid>))");
        } catch (SQLException e) {
            session.close();
            throw new DumpFailedException("Cannot take the " + words.lock() + " of " + words.subject() + ": "
                    + e.getMessage());
        } catch (InterruptedException e) {
            session.close();
            Thread.currentThread().interrupt();
            throw new ServiceBusyException("Interrupted while waiting for the " + words.lock() + " of "
                    + words.subject());
        }
    }

    static boolean tryLock(Connection connection, int namespace, int key) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement("SELECT pg_catalog.pg_try_advisory_lock(?, ?)")) {
            s.setInt(1, namespace);
            s.setInt(2, key);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    static void unlock(Connection connection, int namespace, int key) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement("SELECT pg_catalog.pg_advisory_unlock(?, ?)")) {
            s.setInt(1, namespace);
            s.setInt(2, key);
            s.execute();
        }
    }

    /** Who holds the lock, as pg_stat_activity tells it; a session that left in between is said so. */
    static String holder(Connection connection, int namespace, int key) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement(HOLDER)) {
            s.setLong(1, namespace & 0xFFFFFFFFL);
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
        try {
            unlock(session.connection(), namespace, key);
        } catch (SQLException e) {
            // Closing the session below releases it anyway.
        } finally {
            session.close();
        }
    }
}
