package org.pgbackup.it.container;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;

/**
 * Makes a dump long on purpose: a session inside the PostgreSQL container holds an exclusive
 * lock on {@code items}, so {@code pg_dump} waits mid-dump until {@link #release()}.
 */
final class Blocker {
    private final Pg pg;

    private Blocker(Pg pg) {
        this.pg = pg;
    }

    static Blocker hold(Pg pg, String sql) {
        String command = "nohup psql -U " + pg.user() + " -d " + pg.database() + " -c '" + sql
                + "' > /dev/null 2>&1 &";
        Steps.say("docker exec " + pg.alias() + " sh -c \"" + command + "\"");
        try {
            pg.container().execInContainer("sh", "-c", command);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        Blocker blocker = new Blocker(pg);
        blocker.await("the lock to be held", "SELECT count(*) FROM pg_locks WHERE mode = 'AccessExclusiveLock'"
                + " AND relation = 'items'::regclass AND granted");
        return blocker;
    }

    /** Returns once a {@code pg_dump} waits on the lock. */
    void awaitWaitingDump() {
        await("a pg_dump waiting on the lock", "SELECT count(*) FROM pg_stat_activity WHERE application_name ="
                + " 'pg-backup-controller' AND wait_event_type = 'Lock' AND query LIKE 'LOCK TABLE%'");
    }

    private void await(String what, String countQuery) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
        while (!pg.sql(countQuery).equals("1")) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("Timed out waiting for " + what);
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    void release() {
        pg.sql("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(600)%'"
                + " AND pid <> pg_backend_pid()");
    }
}
