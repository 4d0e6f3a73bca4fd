package org.pgbackup.internal.wal;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.pgbackup.config.ServiceSettings;
import org.pgbackup.internal.postgres.PgConnection;
import org.pgbackup.internal.process.ProcessResult;
import org.pgbackup.internal.process.ProcessSpec;

/**
 * What a server lacks before its WAL can be streamed, each with its fix, found without changing
 * anything: {@code wal_level} of {@code replica} or higher, a role with {@code REPLICATION} (or
 * a superuser), a free WAL sender, a free replication slot (unless the service's exists), and a
 * {@code pg_hba.conf} entry that admits a replication connection, which only trying one shows.
 * All are reported at once, so that an operator fixes the server in one go, not one restart per
 * message.
 *
 * @param missing what the server lacks, each with its fix; empty when it is ready
 * @param slotExists whether the service's slot was there when asked: then a base backup need
 *     not ask again before it starts
 */
public record StreamingReadiness(List<String> missing, boolean slotExists) {
    private static final Duration QUERY_TIMEOUT = Duration.ofMinutes(1);

    public StreamingReadiness {
        missing = List.copyOf(missing);
    }

    /** Whether nothing is missing. */
    public boolean ready() {
        return missing.isEmpty();
    }

    /**
     * Asks the server.
     *
     * @param psql a {@code psql} that can talk to the server
     * @param slot the service's slot, see {@link SlotName}
     * @throws IOException if the server cannot be asked at all (down, or refusing the login)
     */
    public static StreamingReadiness check(PgConnection connection, Path psql, String slot) throws IOException {
        return ask(connection, psql, slot, true);
    }

    /**
     * Asks the server for its settings alone, without trying a replication connection: for a
     * caller whose next step makes one anyway, and asks with {@link #check} only if it fails.
     *
     * @throws IOException if the server cannot be asked at all (down, or refusing the login)
     */
    public static StreamingReadiness checkSettings(PgConnection connection, Path psql, String slot)
            throws IOException {
        return ask(connection, psql, slot, false);
    }

    private static StreamingReadiness ask(PgConnection connection, Path psql, String slot, boolean connect)
            throws IOException {
        ServiceSettings service = connection.service();
        ProcessResult settings = connection.runner().run(ProcessSpec.of(connection.command(psql, "--no-psqlrc",
                "--tuples-only", "--no-align", "--field-separator= ", "--command=SELECT current_setting('wal_level'),"
                        + " (SELECT rolreplication OR rolsuper FROM pg_roles WHERE rolname = current_user),"
                        + " current_setting('max_wal_senders')::int - (SELECT count(*) FROM pg_stat_replication),"
                        + " current_setting('max_replication_slots')::int - (SELECT count(*) FROM"
                        + " pg_replication_slots), EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = '"
                        + slot + "')"), connection.environment(), QUERY_TIMEOUT));
        if (!settings.succeeded()) {
            throw new IOException("asking " + service.address() + " for its replication settings failed: "
                    + settings.failure());
        }
        String[] fields = settings.stdout().strip().split(" ");
        List<String> missing = new ArrayList<>();
        if (fields[0].equals("minimal")) {
            missing.add("wal_level is minimal (set wal_level = replica in postgresql.conf, or in the server"
                    + " container's command: -c wal_level=replica, and restart the server)");
        }
        boolean mayReplicate = fields[1].equals("t");
        if (!mayReplicate) {
            missing.add("role '" + service.user() + "' may not replicate (ALTER ROLE \"" + service.user().replace("\"",
                    "\"\"") + "\" REPLICATION, as a superuser)");
        }
        boolean noSender = Integer.parseInt(fields[2]) <= 0;
        if (noSender) {
            missing.add("no WAL sender is free (raise max_wal_senders and restart the server)");
        }
        boolean slotExists = fields[4].equals("t");
        if (!slotExists && Integer.parseInt(fields[3]) <= 0) {
            missing.add("no replication slot is free for '" + slot + "' (raise max_replication_slots and restart"
                    + " the server, or drop a slot nobody uses)");
        }
        if (!connect) {
            return new StreamingReadiness(missing, slotExists);
        }
        ProcessResult identify = connection.runner().run(ProcessSpec.of(connection.replicationCommand(psql,
                "--no-psqlrc", "--tuples-only", "--no-align", "--command=IDENTIFY_SYSTEM"), connection.environment(),
                QUERY_TIMEOUT));
        if (!identify.succeeded()) {
            String why = identify.stderr().strip().replaceAll("\\s+", " ");
            if (why.contains("pg_hba.conf")) {
                missing.add("a replication connection was refused (" + why + "): add a line to pg_hba.conf such as"
                        + " 'host replication " + service.user() + " <the controller's address>/32 scram-sha-256'"
                        + " and reload the server");
            } else if (noSender) {
                // A server with no sender free refuses before it reads pg_hba.conf: say what is still unknown.
                missing.add("whether pg_hba.conf admits a replication connection shows once the above is fixed");
            } else if (mayReplicate) {
                // A role that may not replicate is refused after pg_hba.conf admitted it: that is said above.
                missing.add("a replication connection failed (" + why + ")");
            }
        }
        return new StreamingReadiness(missing, slotExists);
    }

    /** The one message for a service that is not ready: everything missing, and that nothing was changed. */
    public String message(ServiceSettings service) {
        return "Service '" + service.name() + "' at " + service.address() + " cannot stream its WAL for point-in-time"
                + " recovery: " + String.join("; ", missing) + ". Nothing was changed on the server (no slot was"
                + " created); dumps of the service go on as before";
    }
}
