package org.pgbackup.internal.operation;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.pgbackup.internal.postgres.PgSession;
import org.pgbackup.manifest.Manifest;
import org.pgbackup.manifest.TableRows;

/**
 * What a drill checks in the restored scratch database: every table of the archive's table
 * of contents exists, each table's exact row count equals the one counted in the dump's
 * snapshot, and the service's check query returns true.
 */
public final class DrillChecks {
    /** A table-of-contents line of a table or its data: {@code 215; 1259 16386 TABLE public t owner}. */
    private static final Pattern ENTRY = Pattern.compile("^\\d+; \\d+ \\d+ (TABLE DATA|TABLE) (.+)$");
    private static final String RESTORED_TABLES = "SELECT n.nspname, c.relname FROM pg_catalog.pg_class c"
            + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p')";

    /** The checks' findings: the tables found, the counts compared, and every problem. */
    record Outcome(int tables, int compared, List<String> problems) {
    }

    private DrillChecks() {
    }

    static Outcome run(String toc, Manifest manifest, PgSession scratch, Optional<String> checkQuery)
            throws SQLException {
        List<String> tableEntries = new ArrayList<>();
        List<String> dataEntries = new ArrayList<>();
        for (String line : toc.split("\n")) {
            Matcher m = ENTRY.matcher(line.strip());
            if (m.matches()) {
                (m.group(1).equals("TABLE") ? tableEntries : dataEntries).add(m.group(2) + " ");
            }
        }
        List<String> restored = new ArrayList<>();
        try (Statement s = scratch.connection().createStatement(); ResultSet rs = s.executeQuery(RESTORED_TABLES)) {
            while (rs.next()) {
                restored.add(rs.getString(1) + " " + rs.getString(2) + " ");
            }
        }
        List<String> problems = new ArrayList<>();
        for (String entry : tableEntries) {
            // The entry is "schema name owner": matched against the restored names, since either may hold spaces.
            if (restored.stream().noneMatch(entry::startsWith)) {
                problems.add("table " + entry.strip() + " of the archive's table of contents is missing after the"
                        + " restore");
            }
        }
        int compared = 0;
        for (TableRows recorded : manifest.rowCounts().orElse(List.of())) {
            String key = recorded.schema() + " " + recorded.table() + " ";
            if (dataEntries.stream().anyMatch(e -> e.startsWith(key))) {
                long rows;
                try {
                    rows = count(scratch, recorded);
                } catch (SQLException e) {
                    problems.add("table " + recorded.qualifiedName() + " cannot be counted after the restore: "
                            + e.getMessage());
                    continue;
                }
                compared++;
                if (rows != recorded.rows()) {
                    problems.add("table " + recorded.qualifiedName() + " has " + rows + " rows after the restore;"
                            + " the dump counted " + recorded.rows());
                }
            } else if (tableEntries.stream().noneMatch(e -> e.startsWith(key)) && !manifest.partial()) {
                problems.add("table " + recorded.qualifiedName() + ", counted with " + recorded.rows()
                        + " rows at dump time, is not in the archive");
            }
        }
        if (checkQuery.isPresent()) {
            check(scratch, checkQuery.get()).ifPresent(problems::add);
        }
        return new Outcome(tableEntries.size(), compared, problems);
    }

    private static long count(PgSession scratch, TableRows table) throws SQLException {
        try (Statement s = scratch.connection().createStatement(); ResultSet rs = s.executeQuery(
                "SELECT count(*) FROM " + PgSession.quote(table.schema()) + "." + PgSession.quote(table.table()))) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The check query's verdict: empty when it returned true. */
    private static Optional<String> check(PgSession scratch, String sql) {
        try (Statement s = scratch.connection().createStatement(); ResultSet rs = s.executeQuery(sql)) {
            if (rs.next() && rs.getBoolean(1)) {
                return Optional.empty();
            }
            return Optional.of("the check query of _DRILL_SQL did not return true");
        } catch (SQLException e) {
            return Optional.of("the check query of _DRILL_SQL failed: " + e.getMessage());
        }
    }
}
