package org.pgbackup.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.pgbackup.compression.Compression;
import org.pgbackup.internal.storage.StorageProviders;
import org.pgbackup.retention.RetentionPolicy;
import org.pgbackup.schedule.Schedule;
import org.pgbackup.spi.StorageProvider;

/**
 * Reads a {@link Configuration} from environment variables in one pass, collecting every
 * problem instead of stopping at the first, so that a bad environment is fixed in one go.
 */
final class EnvironmentReader {
    static final Duration DEFAULT_OPERATION_TIMEOUT = Duration.ofHours(6);
    static final Duration DEFAULT_STOP_GRACE = Duration.ofSeconds(30);
    private static final long MAX_WHOLE = 36_500;
    private static final Pattern SERVICE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]*");
    private static final Pattern DURATION = Pattern.compile("(\\d+)([smhd]?)");

    final Map<String, String> env;
    final StorageProviders providers;
    final List<String> problems = new ArrayList<>();
    Map<String, ServiceSettings> services = Map.of();
    Mode mode = Mode.DEVELOPMENT;
    Mode server = Mode.DEVELOPMENT;
    boolean copyToShared;
    List<String> targets = List.of();
    ZoneId zone = ZoneId.systemDefault();
    Path backupRoot;
    Path databasesRoot;
    Optional<Path> pgBinDir = Optional.empty();
    Duration operationTimeout = DEFAULT_OPERATION_TIMEOUT;
    Schedule schedule;
    RetentionPolicy retention = RetentionPolicy.DEFAULT;
    Duration stopGrace = DEFAULT_STOP_GRACE;
    Duration lockWait = Duration.ofSeconds(60);
    Optional<Duration> healthMaxAge = Optional.empty();
    Optional<URI> notifyWebhook = Optional.empty();
    boolean notifyOnSuccess;
    Optional<URI> healthcheckPing = Optional.empty();
    Optional<Integer> metricsPort = Optional.empty();
    boolean verifyAfterDump;
    Compression compression = Compression.DEFAULT;
    int parallelism = 2;

    final Variables variables;

    EnvironmentReader(Map<String, String> env, StorageProviders providers) {
        this.env = env;
        this.providers = providers;
        this.variables = new Variables(env, problems);
    }

    void read() {
        mode = readMode("MODE");
        server = readMode("SERVER");
        copyToShared = variables.bool("COPING_TO_SHARED", false);
        readZone();
        backupRoot = readPath("BACKUP_ROOT",
                mode == Mode.PRODUCTION ? Configuration.PRODUCTION_BACKUP_ROOT : Configuration.DEVELOPMENT_BACKUP_ROOT);
        databasesRoot = readPath("DATABASES_ROOT", mode == Mode.PRODUCTION
                ? Configuration.PRODUCTION_DATABASES_ROOT : Configuration.DEVELOPMENT_BACKUP_ROOT.resolve("databases"));
        readPgBinDir();
        String timeout = value("OPERATION_TIMEOUT");
        if (timeout != null) {
            parseDuration(timeout).ifPresentOrElse(d -> operationTimeout = d, () -> problems.add(
                    "Invalid value for OPERATION_TIMEOUT (should be a positive duration such as 3600, 90m or 6h): "
                            + timeout));
        }
        readSchedule();
        readRetention();
        stopGrace = Duration.ofSeconds(variables.whole("STOP_GRACE_SECONDS", DEFAULT_STOP_GRACE.toSeconds(), 0,
                MAX_WHOLE, "a whole number of seconds, 0 or more"));
        lockWait = Duration.ofSeconds(variables.whole("LOCK_WAIT_SECONDS", 60, 0, MAX_WHOLE,
                "a whole number of seconds, 0 or more"));
        verifyAfterDump = variables.bool("VERIFY_AFTER_DUMP", false);
        variables.text("BACKUP_COMPRESSION").ifPresent(text -> {
            try {
                compression = Compression.parse(text);
            } catch (IllegalArgumentException e) {
                variables.invalid("BACKUP_COMPRESSION", e.getMessage(), text);
            }
        });
        parallelism = (int) variables.whole("BACKUP_PARALLELISM", 2, 1, 64, "a whole number from 1 to 64");
        variables.text("HEALTH_MAX_AGE").ifPresent(text -> parseDuration(text).ifPresentOrElse(
                d -> healthMaxAge = Optional.of(d), () -> variables.invalid("HEALTH_MAX_AGE",
                        "a positive duration such as 26h, 90m or 3600", text)));
        notifyWebhook = readUrl("NOTIFY_WEBHOOK_URL");
        healthcheckPing = readUrl("HEALTHCHECK_PING_URL");
        variables.text("NOTIFY_ON").ifPresent(on -> {
            if (on.equals("all")) {
                notifyOnSuccess = true;
            } else if (!on.equals("failure")) {
                variables.invalid("NOTIFY_ON", "failure or all", on);
            }
        });
        if (variables.text("METRICS_PORT").isPresent()) {
            metricsPort = Optional.of((int) variables.whole("METRICS_PORT", 9187, 1, 65535,
                    "a port from 1 to 65535"));
        }
        readServices();
        readTargets();
    }

    private void readSchedule() {
        String expression = value("BACKUP_SCHEDULE");
        if (expression == null) {
            schedule = Schedule.defaultTimes(zone);
            return;
        }
        schedule = Schedule.parse(expression, zone).orElseGet(() -> {
            problems.add("Invalid value for BACKUP_SCHEDULE (should be a cron expression of five fields, minute"
                    + " hour day month weekday, or six with seconds first, such as '0 3,9,15,21 * * *'): "
                    + expression);
            return Schedule.defaultTimes(zone);
        });
    }

    private void readRetention() {
        String days = "a whole number of days, 1 or more";
        long daily = variables.whole("RETENTION_DAILY_DAYS", 7, 1, MAX_WHOLE, days);
        long weekly = variables.whole("RETENTION_WEEKLY_DAYS", 30, 1, MAX_WHOLE, days);
        long monthly = variables.whole("RETENTION_MONTHLY_DAYS", 365, 1, MAX_WHOLE, days);
        retention = new RetentionPolicy(Duration.ofDays(daily), Duration.ofDays(weekly), Duration.ofDays(monthly));
    }

    /** An http(s) URL; the message does not repeat it, since such URLs often hold a token. */
    private Optional<URI> readUrl(String name) {
        Optional<String> text = variables.text(name);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        try {
            URI uri = new URI(text.get());
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                return Optional.of(uri);
            }
        } catch (URISyntaxException e) {
            // Reported below.
        }
        problems.add("Invalid value for " + name + " (should be an http:// or https:// URL)");
        return Optional.empty();
    }

    private String value(String name) {
        return variables.text(name).orElse(null);
    }

    private Mode readMode(String name) {
        String raw = env.get(name);
        return Mode.parse(raw).orElseGet(() -> {
            problems.add("Invalid value for " + name + " (should be production, development or empty): " + raw);
            return Mode.DEVELOPMENT;
        });
    }

    private void readZone() {
        String tz = value("TZ");
        if (tz == null) {
            return;
        }
        try {
            // A leading colon is the POSIX way to name a zone file; the name is the same.
            zone = ZoneId.of(tz.startsWith(":") ? tz.substring(1) : tz);
        } catch (DateTimeException e) {
            problems.add("Invalid value for TZ (should be a zone such as UTC or Europe/Berlin): " + tz);
        }
    }

    private Path readPath(String name, Path fallback) {
        String v = value(name);
        if (v == null) {
            return fallback;
        }
        try {
            return Path.of(v);
        } catch (InvalidPathException e) {
            problems.add("Invalid value for " + name + " (should be a directory path): " + v);
            return fallback;
        }
    }

    private void readPgBinDir() {
        String v = value("PG_BIN_DIR");
        if (v == null) {
            return;
        }
        Path dir = readPath("PG_BIN_DIR", null);
        if (dir != null && !Files.isDirectory(dir)) {
            problems.add("Invalid value for PG_BIN_DIR (should be a directory holding pg_dump, pg_restore and psql): "
                    + v + " is not a directory");
        } else if (dir != null) {
            pgBinDir = Optional.of(dir);
        }
    }

    private void readServices() {
        String list = env.get("DATABASE_LIST");
        if (list == null || list.isBlank()) {
            problems.add("DATABASE_LIST is empty: set it to a comma-separated list of services, such as"
                    + " DATABASE_LIST=users,orders");
            return;
        }
        Map<String, ServiceSettings> found = new LinkedHashMap<>();
        Map<String, String> byPrefix = new HashMap<>();
        for (String item : list.split(",", -1)) {
            String name = item.trim();
            if (name.isEmpty()) {
                problems.add("Invalid value for DATABASE_LIST (has an empty entry; remove the extra comma): " + list);
                continue;
            }
            if (!SERVICE_NAME.matcher(name).matches()) {
                problems.add("Invalid service '" + name + "' in DATABASE_LIST: a service is letters, digits, '-' and"
                        + " '_', starting with a letter or digit");
                continue;
            }
            String prefix = Configuration.envPrefix(name);
            String earlier = byPrefix.putIfAbsent(prefix, name);
            if (earlier != null) {
                problems.add(earlier.equals(name)
                        ? "Invalid value for DATABASE_LIST: service '" + name + "' is listed twice"
                        : "Invalid value for DATABASE_LIST: services '" + earlier + "' and '" + name
                                + "' both read variables " + prefix + "POSTGRES_*; rename one");
                continue;
            }
            found.put(name, readService(name, prefix));
        }
        services = found;
    }

    private ServiceSettings readService(String name, String prefix) {
        int port = 5432;
        String portText = value(prefix + "POSTGRES_PORT");
        if (portText != null) {
            try {
                port = Integer.parseInt(portText);
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port < 1 || port > 65535) {
                problems.add("Invalid value for " + prefix + "POSTGRES_PORT (should be a port from 1 to 65535): "
                        + portText);
                port = 5432;
            }
        }
        Path dataDirectory = readPath(prefix + "PGDATA", databasesRoot.resolve(name));
        // The password is taken as given, spaces included: it is not ours to trim.
        String password = env.get(prefix + "POSTGRES_PASSWORD");
        return new ServiceSettings(name, prefix,
                Optional.ofNullable(value(prefix + "POSTGRES_HOST")).orElse(name), port,
                Optional.ofNullable(value(prefix + "POSTGRES_USER")).orElse("postgres"),
                password == null || password.isEmpty() ? "postgres" : password,
                Optional.ofNullable(value(prefix + "POSTGRES_DB")).orElse("postgres"),
                dataDirectory);
    }

    private void readTargets() {
        String raw = Optional.ofNullable(value("BACKUP_TARGET")).orElse("local");
        Set<String> ids = new LinkedHashSet<>();
        Set<StorageProvider> seen = new LinkedHashSet<>();
        for (String item : raw.split(",", -1)) {
            String id = item.trim().toLowerCase(Locale.ROOT);
            if (id.isEmpty()) {
                problems.add("Invalid value for BACKUP_TARGET (has an empty entry; remove the extra comma): " + raw);
                continue;
            }
            Optional<StorageProvider> provider = providers.find(id);
            if (provider.isEmpty()) {
                problems.add("Unknown destination '" + id + "' in BACKUP_TARGET: known destinations are "
                        + String.join(", ", providers.ids()));
                continue;
            }
            if (!seen.add(provider.get())) {
                problems.add("Invalid value for BACKUP_TARGET: '" + id + "' names a destination already listed: "
                        + raw);
                continue;
            }
            ids.add(provider.get().id());
            problems.addAll(provider.get().validate(env));
        }
        targets = List.copyOf(ids);
    }

    /**
     * Parses a duration setting: a whole number of seconds, or a number with {@code s},
     * {@code m}, {@code h} or {@code d}, such as {@code 90m} or {@code 26h}.
     */
    static Optional<Duration> parseDuration(String text) {
        Matcher m = DURATION.matcher(text.trim());
        if (!m.matches()) {
            return Optional.empty();
        }
        long amount;
        try {
            amount = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        Duration unit = switch (m.group(2)) {
            case "m" -> Duration.ofMinutes(1);
            case "h" -> Duration.ofHours(1);
            case "d" -> Duration.ofDays(1);
            default -> Duration.ofSeconds(1);
        };
        try {
            return amount > 0 ? Optional.of(unit.multipliedBy(amount)) : Optional.empty();
        } catch (ArithmeticException e) {
            return Optional.empty();
        }
    }
}
