package org.pgbackup.internal.postgres;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.pgbackup.config.ServiceSettings;
import org.pgbackup.manifest.TableRows;

/**
 * The exact row count of every table in the snapshot a {@code pg_dump} reads: a transaction
 * exports its snapshot ({@code pg_export_snapshot()}), {@code pg_dump --snapshot} imports
 * it, and the same transaction counts while the dump runs, on a thread of its own and the
 * server's other core. Counts taken any other way would not be comparable with the archive.
 * The transaction stays open until {@link #close()}, which must follow the dump's end.
 */
public final class SnapshotCounts implements AutoCloseable {
    private static final String TABLES = "SELECT n.nspname, c.relname FROM pg_catalog.pg_class c"
            + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r'"
            + " AND c.relpersistence <> 't' AND n.nspname <> 'information_schema'"
            + " AND n.nspname NOT LIKE 'pg\\_%' ORDER BY 1, 2";

    private final PgSession session;
    private final String snapshot;
    private CompletableFuture<List<TableRows>> counts;
    private Thread counting;

    private SnapshotCounts(PgSession session, String snapshot) {
        this.session = session;
        this.snapshot = snapshot;
    }

    /**
     * Opens a read-only repeatable-read transaction on the service's database and exports its snapshot.
     *
     * @throws SQLException if the server refuses, for example a standby of an old major
     */
    public static SnapshotCounts export(ServiceSettings service) throws SQLException {
        PgSession session = PgSession.open(service.host(), service.port(), service.user(), service.password(),
                service.database());
        try {
            Connection c = session.connection();
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            c.setReadOnly(true);
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_export_snapshot()")) {
                rs.next();
                return new SnapshotCounts(session, rs.getString(1));
            }
        } catch (SQLException | RuntimeException e) {
            session.close();
            throw e;
        }
    }

    /** The snapshot's id, for {@code pg_dump --snapshot}. */
    public String snapshot() {
        return snapshot;
    }

    /** Starts counting on a thread of this object's; once. */
    public void startCounting(String threadName) {
        counts = new CompletableFuture<>();
        counting = new Thread(() -> {
            try {
                counts.complete(count(session.connection()));
            } catch (SQLException | RuntimeException e) {
                counts.completeExceptionally(e);
            }
        }, threadName);
        counting.setDaemon(true);
        counting.start();
    }

    /**
     * Waits for the counts of {@link #startCounting}.
     *
     * @throws SQLException if counting failed
     */
    public List<TableRows> counts() throws SQLException, InterruptedException {
        try {
            return counts.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SQLException sql) {
                throw sql;
            }
            throw new SQLException(e.getCause().getMessage(), e.getCause());
        }
    }

    private static List<TableRows> count(Connection c) throws SQLException {
        List<TableRows> tables = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(TABLES)) {
            while (rs.next()) {
                tables.add(new TableRows(rs.getString(1), rs.getString(2), 0));
            }
        }
        List<TableRows> counted = new ArrayList<>();
        try (Statement s = c.createStatement()) {
            for (TableRows table : tables) {
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + PgSession.quote(table.schema()) + "."
                        + PgSession.quote(table.table()))) {
                    rs.next();
                    counted.add(new TableRows(table.schema(), table.table(), rs.getLong(1)));
                }
            }
        }
        return counted;
    }

    /** Ends the transaction, and with it the counting if it still runs. */
    @Override
    public void close() {
        if (counting != null && counting.isAlive()) {
            // A query in flight: cut the socket rather than wait for the count to end.
            session.abort();
        }
        session.close();
        if (counting != null) {
            try {
                counting.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
