package org.pgbackup.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Which part of a service's database its archives hold: everything, or less. Each entry is a
 * {@code pg_dump} pattern ({@code public.audit_*}, {@code "Mixed Case"}), handed to
 * {@code pg_dump} as an argument of its own and never through a shell.
 *
 * @param excludeTables tables left out entirely ({@code <PREFIX>_EXCLUDE_TABLES},
 *     {@code pg_dump --exclude-table})
 * @param excludeTableData tables whose definition is kept and whose rows are left out
 *     ({@code <PREFIX>_EXCLUDE_TABLE_DATA}, {@code pg_dump --exclude-table-data})
 * @param schemas the only schemas dumped; empty for all ({@code <PREFIX>_SCHEMAS},
 *     {@code pg_dump --schema})
 *
 * <p>Immutable, and so safe to share between threads.
 */
public record TableSelection(List<String> excludeTables, List<String> excludeTableData, List<String> schemas) {

    private static final TableSelection ALL = new TableSelection(List.of(), List.of(), List.of());

    public TableSelection {
        excludeTables = List.copyOf(excludeTables);
        excludeTableData = List.copyOf(excludeTableData);
        schemas = List.copyOf(schemas);
    }

    /** The whole database. */
    public static TableSelection all() {
        return ALL;
    }

    /** Whether something is left out, so that an archive of this selection is partial. */
    public boolean partial() {
        return !equals(ALL);
    }

    /** The {@code pg_dump} options that make this selection, one pattern per argument. */
    public List<String> pgDumpOptions() {
        List<String> options = new ArrayList<>();
        schemas.forEach(p -> options.add("--schema=" + p));
        excludeTables.forEach(p -> options.add("--exclude-table=" + p));
        excludeTableData.forEach(p -> options.add("--exclude-table-data=" + p));
        return options;
    }

    /**
     * A short account for messages and {@code list --long}, such as
     * {@code schemas=app; without tables=audit_*; without data of=cache}; {@code all} when
     * nothing is left out.
     */
    public String describe() {
        if (!partial()) {
            return "all";
        }
        List<String> parts = new ArrayList<>();
        if (!schemas.isEmpty()) {
            parts.add("schemas=" + String.join(",", schemas));
        }
        if (!excludeTables.isEmpty()) {
            parts.add("without tables=" + String.join(",", excludeTables));
        }
        if (!excludeTableData.isEmpty()) {
            parts.add("without data of=" + String.join(",", excludeTableData));
        }
        return String.join("; ", parts);
    }

    /** The entries of a comma list, trimmed, empty ones dropped. */
    static List<String> parseList(String text) {
        List<String> entries = new ArrayList<>();
        for (String entry : text.split(",", -1)) {
            if (!entry.isBlank()) {
                entries.add(entry.trim());
            }
        }
        return entries;
    }
}
