package org.pgbackup.internal.postgres;

import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import org.pgbackup.config.ServiceSettings;
import org.pgbackup.error.HeldByOtherControllerException;
import org.tinylog.Logger;

/**
 * The claims a scheduled controller keeps on the slots it dumped in its latest two runs, until
 * it stops. The backup lock ({@link AdvisoryLock}) lasts only as long as a dump, so a second
 * controller on the same schedule that came to a small database a moment after the first had
 * dumped it (a slow name lookup, a queue of other services) found it free and stored the slot
 * twice. A claim outlasts the dump, and the second controller that finds it
 * held skips the slot. A claim names the database and the slot's time of the schedule, so
 * controllers on different schedules never meet on one: each dumps at its own times.
 *
 * <p>Claims are session-level advisory locks in the server's maintenance database, one session
 * per server and role, not one per database: a controller of 500 databases holds a handful of
 * idle sessions between runs, not 500. Where that database refuses the role, the controller
 * says so once and dumps under the backup lock alone.
 */
public final class SlotClaims implements AutoCloseable {
    /** The first half of every claim's key: "PGBS", apart from the backup lock's. */
    static final int NAMESPACE = 0x50474253;
    /** Claims never wait on the server, so an answer slower than this is a connection gone. */
    private static final int CLAIM_TIMEOUT_MILLIS = 10_000;

    private final Map<String, PgSession> sessions = new HashMap<>();
    /** Servers whose maintenance database refused the role: said once, not at every dump. */
    private final Set<String> refused = new HashSet<>();
    /**
     * Servers out of reach in this run: tried once a run, since every claim waits for the one
     * before it and a connection may take its whole timeout to fail.
     */
    private final Set<String> unreachable = new HashSet<>();
    /** The claims held, by slot; one entry per claim taken, since a session's advisory locks count. */
    private final NavigableMap<Instant, List<Claim>> held = new TreeMap<>();

    private record Claim(String server, int key) {
    }

    /**
     * Claims a slot of the service's database, or keeps the claim this controller already holds
     * on it.
     *
     * @param slot the time of the schedule the dump is for, the same in every controller on it
     * @throws HeldByOtherControllerException if another controller holds the claim: it dumped
     *     the database for this slot, or is dumping it now
     */
    public synchronized void claim(ServiceSettings settings, Instant slot) {
        String server = settings.user() + "@" + settings.address();
        int key = AdvisoryLock.keyOf(settings.database() + "\n" + slot.getEpochSecond());
        PgSession session = session(server, settings);
        if (session == null) {
            return;
        }
        String holder;
        try {
            if (AdvisoryLock.tryLock(session.connection(), NAMESPACE, key)) {
                held.computeIfAbsent(slot, s -> new ArrayList<>()).add(new Claim(server, key));
                return;
            }
            holder = AdvisoryLock.holder(session.connection(), NAMESPACE, key);
        } catch (SQLException e) {
            // A server that restarted ended the session and its claims; the next run opens another.
            Logger.warn("{}: the slot claim of database '{}' at {} failed, so this dump relies on the backup lock"
                    + " alone: {}", settings.name(), settings.database(), settings.address(), oneLine(e));
            drop(server);
            return;
        }
        throw new HeldByOtherControllerException("Database '" + settings.database() + "' at " + settings.address()
                + " was taken for this slot (" + slot + ") by another controller: " + holder + " holds its claim"
                + " on the slot. That controller took this slot's backup, so this one stores nothing");
    }

    private PgSession session(String server, ServiceSettings settings) {
        PgSession session = sessions.get(server);
        if (session != null || refused.contains(server) || unreachable.contains(server)) {
            return session;
        }
        try {
            session = PgSession.openMaintenance(settings.host(), settings.port(), settings.user(),
                    settings.password());
        } catch (SQLException e) {
            String state = e.getSQLState() == null ? "" : e.getSQLState();
            if (!state.startsWith("28") && !state.startsWith("42")) {
                // Not a refusal but a server out of reach: the dump says so, and the next run tries again.
                unreachable.add(server);
                return null;
            }
            refused.add(server);
            Logger.warn("{}: cannot open the session that holds slot claims at {} (database postgres or"
                    + " template1): {}; dumps there rely on the backup lock alone, so a second controller on the"
                    + " same schedule that comes to a database after this one dumped it stores that slot too",
                    settings.name(), settings.address(), oneLine(e));
            return null;
        }
        try {
            // The session idles for hours between runs; if its server vanished, a claim must fail, not hang.
            session.connection().setNetworkTimeout(Runnable::run, CLAIM_TIMEOUT_MILLIS);
        } catch (SQLException e) {
            session.close();
            unreachable.add(server);
            return null;
        }
        sessions.put(server, session);
        return session;
    }

    /** The driver's message, whose detail it puts on a line of its own, as one log line. */
    private static String oneLine(SQLException e) {
        return String.valueOf(e.getMessage()).strip().replaceAll("\\s*\\R\\s*", " ");
    }

    /**
     * Lets go of the claims of every slot but the latest, as a run begins: a controller up to a
     * whole period late to the latest slot still finds it claimed. Servers out of reach are tried
     * again.
     */
    public synchronized void releaseAllButLatest() {
        unreachable.clear();
        while (held.size() > 1) {
            for (Claim claim : held.pollFirstEntry().getValue()) {
                PgSession session = sessions.get(claim.server());
                if (session == null) {
                    continue;
                }
                try {
                    AdvisoryLock.unlock(session.connection(), NAMESPACE, claim.key());
                } catch (SQLException e) {
                    // Closing the session lets go as well; the next claim opens another.
                    drop(claim.server());
                }
            }
        }
    }

    /** Ends a server's session, which ends its claims. */
    private void drop(String server) {
        PgSession session = sessions.remove(server);
        if (session != null) {
            session.close();
        }
        held.values().forEach(claims -> claims.removeIf(claim -> claim.server().equals(server)));
    }

    /** Ends every session, and with them every claim. */
    @Override
    public synchronized void close() {
        sessions.values().forEach(PgSession::close);
        sessions.clear();
        held.clear();
        refused.clear();
        unreachable.clear();
    }
}
