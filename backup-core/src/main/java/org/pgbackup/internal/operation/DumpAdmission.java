package org.pgbackup.internal.operation;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.pgbackup.config.ServiceSettings;
import org.tinylog.Logger;

/**
 * When a {@code pg_dump} of this controller may start: in its database's turn, then in one
 * of the controller's {@code BACKUP_PARALLELISM} slots, which services of {@code dump --all}
 * and the databases of a whole-server service share. The turn comes first, so that a dump
 * waiting for it keeps no slot from the others.
 *
 * <p>Turns: two services may name one database (two table selections, or a whole-server
 * service and a service of one of its databases); dumped side by side, the second would find
 * the first holding the server's backup lock, take it for another controller, leave it the
 * slot and store nothing. Here they take turns instead, and both store the slot. Services
 * meet by the address and database they name; two that name one server differently still
 * meet on its backup lock. Without the backup lock ({@code SERVER_LOCK=false}) there are no
 * turns, and they dump side by side as before.
 */
final class DumpAdmission {
    private final Semaphore slots;
    private final boolean turnsTaken;
    private final Map<String, Turn> turns = new HashMap<>();

    /** A database's turn and the service holding it, for the line that says who is waited for. */
    private static final class Turn {
        final ReentrantLock lock = new ReentrantLock(true);
        volatile String holder;
    }

    /**
     * @param parallelism {@code BACKUP_PARALLELISM}: how many dumps run at once
     * @param serverLock whether dumps take the server's backup lock, and so turns here
     */
    DumpAdmission(int parallelism, boolean serverLock) {
        this.slots = new Semaphore(Math.max(1, parallelism));
        this.turnsTaken = serverLock;
    }

    /** Runs a dump of the service's database once it is admitted, and lets the next one in after it. */
    <T> T admit(ServiceSettings settings, String service, Supplier<T> dump) {
        if (!turnsTaken) {
            return inSlot(dump);
        }
        Turn turn;
        synchronized (turns) {
            turn = turns.computeIfAbsent(settings.address() + "/" + settings.database(), key -> new Turn());
        }
        if (!turn.lock.tryLock()) {
            // Read once: the holder may let go between the failed try and this line.
            String holder = turn.holder;
            Logger.info("{}: waiting for {} of this controller, which is dumping database '{}' at {}", service,
                    holder == null ? "another service" : "'" + holder + "'", settings.database(), settings.address());
            turn.lock.lock();
        }
        try {
            turn.holder = service;
            return inSlot(dump);
        } finally {
            turn.holder = null;
            turn.lock.unlock();
        }
    }

    private <T> T inSlot(Supplier<T> dump) {
        slots.acquireUninterruptibly();
        try {
            return dump.get();
        } finally {
            slots.release();
        }
    }
}
