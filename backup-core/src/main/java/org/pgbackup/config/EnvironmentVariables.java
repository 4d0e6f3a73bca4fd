package org.pgbackup.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The environment the command line and the image read ({@link Configuration#from}): the
 * variables of the specification ({@code DATABASE_LIST}, {@code MODE}, {@code SERVER},
 * {@code COPING_TO_SHARED}, {@code BACKUP_TARGET}, {@code TZ} and the per-service
 * {@code <PREFIX>_POSTGRES_*}) plus the controller's own, and the defaults that depend on
 * {@code MODE}. Storage providers read their own, under their prefix.
 *
 * <p>Constants and stateless functions: safe from any thread.
 */
public final class EnvironmentVariables {
    /** Where production keeps archives: {@code data/} and {@code shared/} below it. */
    public static final Path PRODUCTION_BACKUP_ROOT = Path.of("/var/lib/postgresql/backup");
    /** Where production mounts the servers' data directories. */
    public static final Path PRODUCTION_DATABASES_ROOT = Path.of("/var/lib/postgresql/databases");
    /** Where production looks for hooks. */
    public static final Path PRODUCTION_HOOKS_DIR = Path.of("/hooks");
    /** The backup root outside production, relative to the working directory. */
    public static final Path DEVELOPMENT_BACKUP_ROOT = Path.of("backup-data");

    /** The controller's own variables, beside the per-service ones and the storage providers' settings. */
    public static final List<String> VARIABLES = List.of("DATABASE_LIST", "MODE", "SERVER", "COPING_TO_SHARED",
            "BACKUP_TARGET", "CONTROLLER_PLUGINS", "TZ", "BACKUP_ROOT", "DATABASES_ROOT", "PG_BIN_DIR", "OPERATION_TIMEOUT", "BACKUP_SCHEDULE",
            "RETENTION_DAILY_DAYS", "RETENTION_WEEKLY_DAYS", "RETENTION_MONTHLY_DAYS", "STOP_GRACE_SECONDS",
            "LOG_LEVEL", "LOG_FORMAT", "LOCK_WAIT_SECONDS", "VERIFY_AFTER_DUMP", "SERVER_LOCK", "ROLE_PASSWORDS", "HEALTH_MAX_AGE",
            "DESTINATION_MAX_LAG",
            "METRICS_PORT", "HTTP_PORT", "HTTP_ADDRESS", "HTTP_READ_TOKEN", "HTTP_ADMIN_TOKEN", "NOTIFY_WEBHOOK_URL", "NOTIFY_URLS", "NOTIFY_ON", "HEALTHCHECK_PING_URL", "BACKUP_COMPRESSION",
            "BACKUP_PARALLELISM", "BACKUP_ENCRYPTION", "AGE_RECIPIENTS", "AGE_RECIPIENTS_FILE", "AGE_IDENTITY_FILE",
            "DRILL_SCHEDULE", "DRILL_MAX_AGE", "DRILL_COUNT_ROWS", "HOOKS_DIR", "HOOK_TIMEOUT", "BASE_BACKUP_SCHEDULE",
            "PITR_RETENTION_DAYS", "WAL_MAX_LAG", "WAL_PARTIAL_SECONDS");
    /** The per-service variables, each after the service's prefix. */
    public static final List<String> SERVICE_VARIABLES = List.of("POSTGRES_HOST", "POSTGRES_PORT", "POSTGRES_USER",
            "POSTGRES_PASSWORD", "POSTGRES_DB", "PGDATA", "EXCLUDE_DATABASES", "EXCLUDE_TABLES", "EXCLUDE_TABLE_DATA",
            "SCHEMAS", "HEALTHCHECK_PING_URL", "DRILL_HOST", "DRILL_PORT", "DRILL_USER", "DRILL_PASSWORD", "DRILL_SQL", "PITR",
            "REPLICATION_USER", "REPLICATION_PASSWORD");

    private EnvironmentVariables() {
    }

    /**
     * The environment prefix of a service: upper case, {@code -} becomes {@code _}, and a
     * trailing {@code _}, for example {@code USER_DB_} for {@code user-db}.
     */
    public static String envPrefix(String service) {
        return service.toUpperCase(Locale.ROOT).replace('-', '_') + "_";
    }
}
