package org.pgbackup.manifest;

import static java.util.Objects.requireNonNull;

/**
 * The exact number of rows of one table, counted in the snapshot the dump read, so that a
 * restore drill can compare the restored table with it.
 *
 * @param schema the table's schema
 * @param table the table's name
 * @param rows its rows in the dump's snapshot
 *
 * <p>Immutable, and so safe to share between threads.
 */
public record TableRows(String schema, String table, long rows) {

    public TableRows {
        requireNonNull(schema, "schema is null");
        requireNonNull(table, "table is null");
    }

    /** {@code schema.table}, as messages name it. */
    public String qualifiedName() {
        return schema + "." + table;
    }
}
