package org.pgbackup.internal.operation;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.pgbackup.config.ServiceSettings;
import org.pgbackup.internal.postgres.PgDump;
import org.tinylog.Logger;

/**
 * Warns about a table or schema pattern that matches nothing, which would otherwise be a
 * silent success: a typo in {@code <PREFIX>_EXCLUDE_TABLES} keeps the table in every archive.
 * Each pattern is warned about once in a controller's life, not at every run.
 */
public final class UnmatchedPatterns {
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    void check(ServiceSettings settings, PgDump dump) {
        if (!settings.tables().partial()) {
            return;
        }
        try {
            for (String pattern : dump.unmatched(settings.tables())) {
                if (warned.add(settings.name() + "\u0000" + pattern)) {
                    Logger.warn("{}: the pattern '{}' of {}EXCLUDE_TABLES, _EXCLUDE_TABLE_DATA or _SCHEMAS matches"
                            + " nothing in database '{}': check its spelling (pg_dump patterns: * and ?, and"
                            + " schema.table)", settings.name(), pattern, settings.envPrefix(), settings.database());
                }
            }
        } catch (IOException e) {
            Logger.warn("{}: the table patterns could not be checked: {}", settings.name(), e.getMessage());
        }
    }
}
