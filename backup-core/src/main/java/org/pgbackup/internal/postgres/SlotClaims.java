package org.pgbackup.internal.postgres;

import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.pgbackup.config.ServiceSettings;
import org.pgbackup.error.HeldByOtherControllerException;
import org.tinylog.Logger;

/**
 * The claims a scheduled controller keeps on the databases it dumped in its latest run, until
 * its next run begins or it stops. The backup lock ({@link AdvisoryLock}) lasts only as long as
 * a dump, so a second controller on the same schedule that came to a small database a moment
 * after the first had dumped it (a slow name lookup, a queue of other services) found it free and
 * stored the slot twice. A claim outlasts the dump, and the second controller that finds it held
 * skips the slot.
 *
 * <p>Claims are session-level advisory locks in the server's maintenance database, one session
 * per server and role, not one per database: a controller of 500 databases holds a handful of
 * idle sessions between runs, not 500. Where that database refuses the role, the controller
 * says so once and dumps under the backup lock alone, as before.
 */
public final class SlotClaims implements AutoCloseable {
    /** The first half of every claim's key: "PGBS", apart from the backup lock's. */
    static final int NAMESPACE = 0x50474253;

    private final Map<String, PgSession> sessions = new HashMap<>();
    /** Servers whose maintenance database refused the role: said once, not at every dump. */
    private final Set<String> refused = new HashSet<>();

    /**
     * Claims the service's database for this slot, or keeps the claim this controller already
     * holds on it.
     *
     * @throws HeldByOtherControllerException if another controller holds the claim: it dumped
     *     the database in its latest run, or is dumping it now
     */
    public synchronized void claim(ServiceSettings settings) {
        String server = settings.user() + "@" + settings.address();
        int key = AdvisoryLock.keyOf(settings.database());
        PgSession session = session(server, settings);
        if (session == null) {
            return;
        }
        String holder;
        try {
            if (AdvisoryLock.tryLock(session.connection(), NAMESPACE, key)) {
                return;
            }
            holder = AdvisoryLock.holder(session.connection(), NAMESPACE, key);
        } catch (SQLException e) {
            // A server that restarted ended the session and its claims; the next run opens another.
            Logger.warn("{}: the slot claim of database '{}' at {} failed, so this dump relies on the backup lock"
                    + " alone: {}", settings.name(), settings.database(), settings.address(), oneLine(e));
            sessions.remove(server).close();
            return;
        }
        throw new HeldByOtherControllerException("Database '" + settings.database() + "' at " + settings.address()
                + " was taken for this slot by another controller: " + holder + " holds its slot claim, which a"
                + " scheduled controller keeps on what it dumped until its next run. That controller took this"
                + " slot's backup, so this one stores nothing");
    }

    private PgSession session(String server, ServiceSettings settings) {
        PgSession session = sessions.get(server);
        if (session != null || refused.contains(server)) {
            return session;
        }
        try {
            session = PgSession.openMaintenance(settings.host(), settings.port(), settings.user(),
                    settings.password());
        } catch (SQLException e) {
            String state = e.getSQLState() == null ? "" : e.getSQLState();
            if (!state.startsWith("28") && !state.startsWith("42")) {
                // Not a refusal but a server out of reach: the dump says so, and the next run tries again.
                return null;
            }
            refused.add(server);
            Logger.warn("{}: cannot open the session that holds slot claims at {} (database postgres or"
                    + " template1): {}; dumps there rely on the backup lock alone, so a second controller on the"
                    + " same schedule that comes to a database after this one dumped it stores that slot too",
                    settings.name(), settings.address(), oneLine(e));
            return null;
        }
        sessions.put(server, session);
        return session;
    }

    /** The driver's message, whose detail it puts on a line of its own, as one log line. */
    private static String oneLine(SQLException e) {
        return String.valueOf(e.getMessage()).strip().replaceAll("\\s*\\R\\s*", " ");
    }

    /** Lets go of every claim, as a run begins: the run claims what it dumps anew. */
    public synchronized void releaseAll() {
        sessions.entrySet().removeIf(entry -> {
            try (Statement s = entry.getValue().connection().createStatement()) {
                s.execute("SELECT pg_catalog.pg_advisory_unlock_all()");
                return false;
            } catch (SQLException e) {
                // Closing the session lets go as well; the next claim opens another.
                entry.getValue().close();
                return true;
            }
        });
    }

    /** Ends every session, and with them every claim. */
    @Override
    public synchronized void close() {
        sessions.values().forEach(PgSession::close);
        sessions.clear();
        refused.clear();
    }
}
