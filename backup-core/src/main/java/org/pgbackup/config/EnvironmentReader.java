package org.pgbackup.config;

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
import java.util.regex.Pattern;
import org.pgbackup.compression.Compression;
import org.pgbackup.encryption.AgeKeys;
import org.pgbackup.encryption.Encryption;
import org.pgbackup.internal.storage.StorageProviders;
import org.pgbackup.retention.RetentionPolicy;
import org.pgbackup.schedule.Schedule;
import org.pgbackup.spi.Settings;
import org.pgbackup.spi.StorageProvider;

/**
 * Reads a {@link Configuration} from environment variables in one pass, collecting every
 * problem instead of stopping at the first, so that a bad environment is fixed in one go.
 */
final class EnvironmentReader {
    private static final long MAX_WHOLE = 36_500;
    private static final Pattern NEXT_URL = Pattern.compile(",(?=\\s*[a-zA-Z][a-zA-Z0-9+.-]*://)");

    private final Map<String, String> env;
    private final ConfigurationBuilder builder;
    private final List<String> problems;
    private final Settings variables;

    private EnvironmentReader(Map<String, String> env, StorageProviders providers) {
        this.env = env;
        this.builder = new ConfigurationBuilder();
        builder.source = ConfigurationSource.ENVIRONMENT;
        this.builder.providers = providers;
        this.builder.variables = env;
        this.problems = builder.problems;
        this.variables = new Settings(env, problems);
    }

    /**
     * Reads the variables into a builder and checks them with it.
     *
     * @param providers the providers to choose from, or null for those on the class path
     * @throws ConfigurationException listing every problem found
     */
    static Configuration read(Map<String, String> environment, StorageProviders providers) {
        EnvironmentReader reader = new EnvironmentReader(Map.copyOf(environment), providers);
        reader.read();
        return reader.builder.build();
    }

    private void read() {
        Mode mode = readMode("MODE");
        builder.mode(mode).server(readMode("SERVER")).copyToShared(variables.bool("COPING_TO_SHARED", false));
        readZone();
        Path backupRoot = readPath("BACKUP_ROOT",
                mode == Mode.PRODUCTION ? EnvironmentVariables.PRODUCTION_BACKUP_ROOT : EnvironmentVariables.DEVELOPMENT_BACKUP_ROOT);
        builder.backupRoot(backupRoot).databasesRoot(readPath("DATABASES_ROOT", mode == Mode.PRODUCTION
                ? EnvironmentVariables.PRODUCTION_DATABASES_ROOT : EnvironmentVariables.DEVELOPMENT_BACKUP_ROOT.resolve("databases")));
        if (env.containsKey("PATH")) {
            builder.toolSearchPath(env.get("PATH"));
        }
        variables.text("CONTROLLER_PLUGINS").ifPresent(dir -> Optional.ofNullable(readPath("CONTROLLER_PLUGINS",
                null)).ifPresent(builder::pluginDirectory));
        variables.text("PG_BIN_DIR").ifPresent(dir -> Optional.ofNullable(readPath("PG_BIN_DIR", null))
                .ifPresent(builder::pgBinDir));
        variables.text("OPERATION_TIMEOUT").ifPresent(text -> parseDuration(text).ifPresentOrElse(
                builder::operationTimeout, () -> problems.add("Invalid value for OPERATION_TIMEOUT (should be a"
                        + " positive duration such as 3600, 90m or 6h): " + text)));
        readSchedule();
        readRetention();
        builder.stopGrace(Duration.ofSeconds(variables.whole("STOP_GRACE_SECONDS", 30, 0, MAX_WHOLE,
                "a whole number of seconds, 0 or more")));
        builder.lockWait(Duration.ofSeconds(variables.whole("LOCK_WAIT_SECONDS", 60, 0, MAX_WHOLE,
                "a whole number of seconds, 0 or more")));
        builder.verifyAfterDump(variables.bool("VERIFY_AFTER_DUMP", false));
        builder.serverLock(variables.bool("SERVER_LOCK", true));
        builder.rolePasswords(variables.bool("ROLE_PASSWORDS", true));
        variables.text("BACKUP_COMPRESSION").ifPresent(text -> {
            try {
                builder.compression(Compression.parse(text));
            } catch (IllegalArgumentException e) {
                variables.invalid("BACKUP_COMPRESSION", e.getMessage(), text);
            }
        });
        builder.parallelism((int) variables.whole("BACKUP_PARALLELISM", 2, 1, 64, "a whole number from 1 to 64"));
        variables.text("HEALTH_MAX_AGE").ifPresent(text -> parseDuration(text).ifPresentOrElse(
                builder::healthMaxAge, () -> variables.invalid("HEALTH_MAX_AGE",
                        "a positive duration such as 26h, 90m or 3600", text)));
        variables.text("DESTINATION_MAX_LAG").ifPresent(text -> parseDuration(text).ifPresentOrElse(
                builder::destinationMaxLag, () -> variables.invalid("DESTINATION_MAX_LAG",
                        "a positive duration such as 1d, 26h or 3600", text)));
        variables.url("HEALTHCHECK_PING_URL").ifPresent(builder::healthcheckPing);
        boolean onSuccess = false;
        Optional<String> on = variables.text("NOTIFY_ON");
        if (on.isPresent() && on.get().equals("all")) {
            onSuccess = true;
        } else if (on.isPresent() && !on.get().equals("failure")) {
            variables.invalid("NOTIFY_ON", "failure or all", on.get());
        }
        boolean all = onSuccess;
        variables.url("NOTIFY_WEBHOOK_URL").ifPresent(url -> builder.notifyWebhook(url, all));
        // Commas also separate values inside a URL (?to=a@x,b@y), so a URL starts only where a scheme does.
        variables.text("NOTIFY_URLS").ifPresent(text -> NEXT_URL.splitAsStream(text).map(String::trim)
                .forEach(builder::notify));
        if (variables.text("METRICS_PORT").isPresent()) {
            builder.metricsPort((int) variables.whole("METRICS_PORT", 9187, 1, 65535, "a port from 1 to 65535"));
        }
        StatusPageReader.read(variables, builder.metricsPort).ifPresent(builder::statusPage);
        readDrills();
        builder.pitr(PitrPolicyReader.read(variables, builder.zone));
        Duration hookTimeout = variables.text("HOOK_TIMEOUT").flatMap(text -> {
            Optional<Duration> parsed = parseDuration(text);
            if (parsed.isEmpty()) {
                variables.invalid("HOOK_TIMEOUT", "a positive duration such as 5m or 300", text);
            }
            return parsed;
        }).orElse(HookSettings.DEFAULT_TIMEOUT);
        builder.hooks(new HookSettings(Optional.ofNullable(readPath("HOOKS_DIR", mode == Mode.PRODUCTION
                ? EnvironmentVariables.PRODUCTION_HOOKS_DIR
                : EnvironmentVariables.DEVELOPMENT_BACKUP_ROOT.resolve("hooks"))), hookTimeout));
        readEncryption();
        readServices();
        readTargets();
    }

    private void readEncryption() {
        Encryption encryption = Encryption.none();
        String mode = variables.text("BACKUP_ENCRYPTION").orElse("none");
        if (mode.equals("age")) {
            List<String> raw = new ArrayList<>();
            int before = problems.size();
            variables.text("AGE_RECIPIENTS").ifPresent(list -> raw.addAll(AgeKeys.checkRecipients(
                    List.of(list.split(",", -1)), "AGE_RECIPIENTS", problems)));
            variables.text("AGE_RECIPIENTS_FILE").flatMap(text -> Optional.ofNullable(readPath("AGE_RECIPIENTS_FILE",
                    null))).ifPresent(file -> raw.addAll(AgeKeys.checkRecipients(AgeKeys.readRecipientsFile(file,
                            problems), "AGE_RECIPIENTS_FILE " + file, problems)));
            if (problems.size() > before) {
                return;
            }
            encryption = Encryption.age(raw);
        } else if (!mode.equals("none")) {
            variables.invalid("BACKUP_ENCRYPTION", "none or age", mode);
        }
        Optional<Path> identity = variables.text("AGE_IDENTITY_FILE").map(t -> readPath("AGE_IDENTITY_FILE", null));
        builder.encryption(identity.isPresent() ? encryption.withIdentityFile(identity.get()) : encryption);
    }

    private void readDrills() {
        Optional<Schedule> schedule = variables.text("DRILL_SCHEDULE").flatMap(text -> {
            Optional<Schedule> parsed = Schedule.parse(text, builder.zone);
            if (parsed.isEmpty()) {
                variables.invalid("DRILL_SCHEDULE", "a cron expression such as '30 4 * * 0'", text);
            }
            return parsed;
        });
        Optional<Duration> maxAge = variables.text("DRILL_MAX_AGE").flatMap(text -> {
            Optional<Duration> parsed = parseDuration(text);
            if (parsed.isEmpty()) {
                variables.invalid("DRILL_MAX_AGE", "a positive duration such as 8d, 26h or 3600", text);
            }
            return parsed;
        });
        builder.drills(new DrillPolicy(schedule, maxAge, variables.bool("DRILL_COUNT_ROWS", true)));
    }

    private void readSchedule() {
        String expression = value("BACKUP_SCHEDULE");
        if (expression == null) {
            return;
        }
        Schedule.parse(expression, builder.zone).ifPresentOrElse(builder::schedule, () -> {
            problems.add("Invalid value for BACKUP_SCHEDULE (should be a cron expression of five fields, minute"
                    + " hour day month weekday, or six with seconds first, such as '0 3,9,15,21 * * *'): "
                    + expression);
        });
    }

    private void readRetention() {
        String days = "a whole number of days, 1 or more";
        long daily = variables.whole("RETENTION_DAILY_DAYS", 7, 1, MAX_WHOLE, days);
        long weekly = variables.whole("RETENTION_WEEKLY_DAYS", 30, 1, MAX_WHOLE, days);
        long monthly = variables.whole("RETENTION_MONTHLY_DAYS", 365, 1, MAX_WHOLE, days);
        builder.retention(new RetentionPolicy(Duration.ofDays(daily), Duration.ofDays(weekly), Duration.ofDays(monthly)));
        // A named destination (s3:offsite) may keep its archives longer or shorter: OFFSITE_RETENTION_*_DAYS.
        String raw = Optional.ofNullable(value("BACKUP_TARGET")).orElse("local");
        for (String item : raw.split(",")) {
            int colon = item.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String prefix = StorageProvider.settingsPrefix(item.substring(colon + 1).trim().toLowerCase(Locale.ROOT));
            long ownDaily = variables.whole(prefix + "RETENTION_DAILY_DAYS", daily, 1, MAX_WHOLE, days);
            long ownWeekly = variables.whole(prefix + "RETENTION_WEEKLY_DAYS", weekly, 1, MAX_WHOLE, days);
            long ownMonthly = variables.whole(prefix + "RETENTION_MONTHLY_DAYS", monthly, 1, MAX_WHOLE, days);
            builder.retention(item.trim().toLowerCase(Locale.ROOT), new RetentionPolicy(Duration.ofDays(ownDaily),
                    Duration.ofDays(ownWeekly), Duration.ofDays(ownMonthly)));
        }
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
            builder.zone(ZoneId.of(tz.startsWith(":") ? tz.substring(1) : tz));
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

    private void readServices() {
        String list = env.get("DATABASE_LIST");
        if (list == null || list.isBlank()) {
            return;
        }
        for (String item : list.split(",", -1)) {
            String name = item.trim();
            if (name.isEmpty()) {
                problems.add("Invalid value for DATABASE_LIST (has an empty entry; remove the extra comma): " + list);
                continue;
            }
            builder.service(name, details -> new ServiceReader(env, variables, EnvironmentVariables.envPrefix(name))
                    .read(details));
        }
    }

    private void readTargets() {
        String raw = Optional.ofNullable(value("BACKUP_TARGET")).orElse("local");
        for (String item : raw.split(",", -1)) {
            if (item.isBlank()) {
                problems.add("Invalid value for BACKUP_TARGET (has an empty entry; remove the extra comma): " + raw);
            } else {
                // Each provider picks its own names out of these; see StorageTargets.
                builder.storage(item, env);
            }
        }
    }

    /**
     * Parses a duration setting: a whole number of seconds, or a number with {@code s},
     * {@code m}, {@code h} or {@code d}, such as {@code 90m} or {@code 26h}.
     */
    static Optional<Duration> parseDuration(String text) {
        return Settings.parseDuration(text);
    }
}
