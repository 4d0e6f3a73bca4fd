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
import java.util.function.Supplier;
import org.pgbackup.config.ServiceSettings;
import org.pgbackup.error.DatabaseConnectionException;
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
 * says so once and dumps under the backup lock alone. Where the server cannot be reached to
 * claim a slot, the dump fails rather than go on unclaimed: a connection that failed for the
 * claim may work a moment later for the dump, and store a slot that another controller claimed.
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
     * Servers out of reach in this run, with why: tried once a run, since every claim waits for
     * the one before it and a connection may take its whole timeout to fail.
     */
    private final Map<String, String> unreachable = new HashMap<>();
    /** The claims held, by slot; one entry per claim taken, since a session's advisory locks count. */
    private final NavigableMap<Instant, List<Claim>> held = new TreeMap<>();

    private record Claim(String server, int key) {
    }

    /**
     * Claims a slot of the service's database, or keeps the claim this controller already holds
     * on it. A claim that cannot be made fails the dump: dumping without it could store a slot
     * that another controller stores too.
     *
     * @param slot the time of the schedule the dump is for, the same in every controller on it
     * @throws HeldByOtherControllerException if another controller holds the claim: it dumped
     *     the database for this slot, or is dumping it now
     * @throws DatabaseConnectionException if the server cannot be reached to claim the slot
     */
    public synchronized void claim(ServiceSettings settings, Instant slot) {
        String server = settings.user() + "@" + settings.address();
        int key = AdvisoryLock.keyOf(settings.database() + "\n" + slot.getEpochSecond());
        String holder;
        try {
            holder = tryClaim(server, settings, key, slot);
        } catch (SQLException e) {
            // A server that restarted ended the session and its claims: once more on a new session.
            Logger.info("{}: the session that holds slot claims at {} ended ({}); opening another", settings.name(),
                    settings.address(), oneLine(e));
            drop(server);
            try {
                holder = tryClaim(server, settings, key, slot);
            } catch (SQLException again) {
                drop(server);
                throw unclaimed(settings, oneLine(again));
            }
        }
        if (holder != null) {
            throw new HeldByOtherControllerException("Database '" + settings.database() + "' at "
                    + settings.address() + " was taken for this slot (" + slot + ") by another controller: " + holder
                    + " holds its claim on the slot. That controller took this slot's backup, so this one stores"
                    + " nothing");
        }
    }

    /**
     * Claims the slot a dump is in now: its run's, or a later one when the dump comes to its
     * database a whole period late or more (a slow name lookup, a long queue of other
     * services). Another controller lets go of an old slot's claim as its run two slots later
     * begins, so a late dump that claimed its run's slot could store that slot a second time;
     * the slot it is in is the one every other controller on the schedule claims now.
     *
     * @param currentSlot the latest time of the schedule that has come, never before the run's
     * @throws HeldByOtherControllerException if another controller holds that slot's claim
     * @throws DatabaseConnectionException if the server cannot be reached to claim it
     */
    public void claimCurrent(ServiceSettings settings, Supplier<Instant> currentSlot) {
        Instant claimed = null;
        Instant current = currentSlot.get();
        // A claim can take seconds (a new session, a slow server): claim again if a slot began meanwhile.
        while (!current.equals(claimed)) {
            claim(settings, current);
            claimed = current;
            current = currentSlot.get();
        }
    }

    /** Takes the claim; who holds it instead, or null when taken (or when claims are off for the server). */
    private String tryClaim(String server, ServiceSettings settings, int key, Instant slot) throws SQLException {
        PgSession session = session(server, settings);
        if (session == null) {
            return null;
        }
        if (AdvisoryLock.tryLock(session.connection(), NAMESPACE, key)) {
            held.computeIfAbsent(slot, s -> new ArrayList<>()).add(new Claim(server, key));
            return null;
        }
        return AdvisoryLock.holder(session.connection(), NAMESPACE, key);
    }

    /** A claim that the server could not be reached for fails the dump as a connection that failed. */
    private static DatabaseConnectionException unclaimed(ServiceSettings settings, String reason) {
        return PgConnection.unreachable(settings, "the connection that claims this slot failed: " + reason);
    }

    /** The server's claims session; null where the role is refused; fails where the server is out of reach. */
    private PgSession session(String server, ServiceSettings settings) {
        PgSession session = sessions.get(server);
        if (session != null || refused.contains(server)) {
            return session;
        }
        String lastFailure = unreachable.get(server);
        if (lastFailure != null) {
            throw unclaimed(settings, lastFailure);
        }
        try {
            session = PgSession.openMaintenance(settings.host(), settings.port(), settings.user(),
                    settings.password());
        } catch (SQLException e) {
            String state = e.getSQLState() == null ? "" : e.getSQLState();
            if (!state.startsWith("28") && !state.startsWith("42")) {
                unreachable.put(server, oneLine(e));
                throw unclaimed(settings, oneLine(e));
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
            unreachable.put(server, oneLine(e));
            throw unclaimed(settings, oneLine(e));
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
     * whole period late to the latest slot still finds it claimed, and one later than that claims
     * the slot it is in ({@link #claimCurrent}). Servers out of reach are tried again.
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
