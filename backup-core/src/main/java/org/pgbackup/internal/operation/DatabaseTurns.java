package org.pgbackup.internal.operation;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import org.pgbackup.config.ServiceSettings;
import org.tinylog.Logger;

/**
 * One dump of a database at a time within a controller. Two of its services may name one
 * database (two table selections, or a whole-server service and a service of one of its
 * databases); dumped side by side, the second would find the first holding the server's
 * backup lock and leave it the slot, as it does for another controller, and store nothing.
 * Here they take turns instead, and both store the slot. Services meet by the address and
 * database they name; two that name one server differently still meet on its backup lock.
 * Without the backup lock ({@code SERVER_LOCK=false}) they do not meet at all, and dump side
 * by side as before.
 */
final class DatabaseTurns {
    private final Map<String, Turn> turns = new HashMap<>();

    /** A database's turn and the service holding it, for the line that says who is waited for. */
    private static final class Turn {
        final ReentrantLock lock = new ReentrantLock(true);
        volatile String holder;
    }

    /** A turn taken; closing it gives the database to the next service waiting. */
    interface Held extends AutoCloseable {
        @Override
        void close();
    }

    /** Waits until no other dump of this controller is at the service's database, then holds it. */
    Held take(ServiceSettings settings, String service) {
        Turn turn;
        synchronized (turns) {
            turn = turns.computeIfAbsent(settings.address() + "/" + settings.database(), key -> new Turn());
        }
        if (!turn.lock.tryLock()) {
            Logger.info("{}: waiting for '{}' of this controller, which is dumping database '{}' at {}", service,
                    turn.holder, settings.database(), settings.address());
            turn.lock.lock();
        }
        turn.holder = service;
        return () -> {
            turn.holder = null;
            turn.lock.unlock();
        };
    }
}
