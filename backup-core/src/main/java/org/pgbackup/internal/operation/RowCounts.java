package org.pgbackup.internal.operation;

import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.pgbackup.config.ServiceSettings;
import org.pgbackup.internal.postgres.SnapshotCounts;
import org.pgbackup.manifest.TableRows;
import org.tinylog.Logger;

/**
 * One dump's row counts for its manifest ({@code DRILL_COUNT_ROWS}): counted in the snapshot
 * the dump reads, beside it. Counting that cannot start or fails costs the manifest its
 * counts, never the dump: a drill then checks the tables only.
 */
public final class RowCounts implements AutoCloseable {
    private final String service;
    private final SnapshotCounts counts;

    private RowCounts(String service, SnapshotCounts counts) {
        this.service = service;
        this.counts = counts;
    }

    /** Exports the snapshot and starts counting, when counting is on. */
    static RowCounts start(ServiceSettings settings, boolean countRows) {
        if (!countRows) {
            return new RowCounts(settings.name(), null);
        }
        try {
            SnapshotCounts counts = SnapshotCounts.export(settings);
            counts.startCounting("count-" + settings.name());
            return new RowCounts(settings.name(), counts);
        } catch (SQLException e) {
            Logger.warn("{}: this archive's rows are not counted (drills will check its tables only): {}",
                    settings.name(), e.getMessage());
            return new RowCounts(settings.name(), null);
        }
    }

    /** The snapshot {@code pg_dump} must read, when rows are counted. */
    Optional<String> snapshot() {
        return Optional.ofNullable(counts).map(SnapshotCounts::snapshot);
    }

    /** Waits for the counts, once the dump has ended. */
    Optional<List<TableRows>> result() {
        if (counts == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(counts.counts());
        } catch (SQLException e) {
            Logger.warn("{}: counting the rows failed, so drills will check this archive's tables only: {}",
                    service, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Optional.empty();
    }

    @Override
    public void close() {
        if (counts != null) {
            counts.close();
        }
    }
}
