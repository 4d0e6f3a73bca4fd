package org.pgbackup.internal.wal;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.pgbackup.internal.postgres.PgConnection;
import org.pgbackup.internal.process.ProcessResult;
import org.pgbackup.internal.process.ProcessSpec;

/**
 * A service's permanent physical replication slot ({@link SlotName}): made, reserving WAL from
 * the moment it is made, when it is missing. Made in one statement that first looks for it, so
 * that a receiver and a base backup that both find it missing never fail on each other.
 */
public final class ReplicationSlot {
    private static final Duration QUERY_TIMEOUT = Duration.ofMinutes(1);

    private ReplicationSlot() {
    }

    /**
     * Makes the slot if it is missing.
     *
     * @return whether it was missing and has been made
     * @throws IOException if the server cannot be asked, or refuses
     */
    public static boolean ensure(PgConnection connection, Path psql, String slot) throws IOException {
        String literal = "'" + slot + "'";
        ProcessResult result = connection.runner().run(ProcessSpec.of(connection.command(psql, "--no-psqlrc",
                "--tuples-only", "--no-align", "--command=SELECT count(*) FROM (SELECT"
                        + " pg_create_physical_replication_slot(" + literal + ", true) WHERE NOT EXISTS (SELECT 1"
                        + " FROM pg_replication_slots WHERE slot_name = " + literal + ")) AS created"),
                connection.environment(), QUERY_TIMEOUT));
        if (!result.succeeded()) {
            throw new IOException("checking replication slot '" + slot + "' failed: " + result.failure());
        }
        return result.stdout().strip().equals("1");
    }
}
