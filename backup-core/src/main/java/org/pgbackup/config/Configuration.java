package org.pgbackup.config;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pgbackup.compression.Compression;
import org.pgbackup.encryption.Encryption;
import org.pgbackup.error.ConfigurationException;
import org.pgbackup.error.UnknownServiceException;
import org.pgbackup.internal.storage.StorageProviders;
import org.pgbackup.notify.NotificationChannel;
import org.pgbackup.retention.RetentionPolicy;
import org.pgbackup.schedule.Schedule;
import org.pgbackup.spi.StorageProvider;

/**
 * The controller's configuration: what {@link ConfigurationBuilder} checked, or what
 * {@link #from(Map)} read from environment variables. Reading takes a {@code Map}, so that
 * tests never touch the real environment, and it reports every problem at once.
 * {@link EnvironmentVariables} lists the variables. Immutable and thread-safe.
 */
public final class Configuration {
    /** {@code DESTINATION_MAX_LAG} when unset: one day. */
    public static final Duration DEFAULT_DESTINATION_MAX_LAG = Duration.ofDays(1);
    private final Map<String, ServiceSettings> services;
    private final Mode mode;
    private final Mode server;
    private final boolean copyToShared;
    private final Map<String, StorageTarget> targets;
    private final StorageProviders providers;
    private final ZoneId zone;
    private final Path backupRoot;
    private final Path databasesRoot;
    private final Optional<Path> pgBinDir;
    private final Optional<String> toolSearchPath;
    private final Duration operationTimeout;
    private final Map<String, String> variables;
    private final Schedule schedule;
    private final RetentionPolicy retention;
    private final Map<String, RetentionPolicy> destinationRetention;
    private final Duration stopGrace;
    private final Duration lockWait;
    private final Optional<Duration> healthMaxAge;
    private final Duration destinationMaxLag;
    private final Optional<URI> notifyWebhook;
    private final boolean notifyOnSuccess;
    private final Optional<URI> healthcheckPing;
    private final List<NotificationChannel> notificationChannels;
    private final Optional<Integer> metricsPort;
    private final Optional<StatusPageSettings> statusPage;
    private final boolean verifyAfterDump;
    private final boolean serverLock;
    private final boolean rolePasswords;
    private final ConfigurationSource source;
    private final Compression compression;
    private final int parallelism;
    private final Encryption encryption;
    private final DrillPolicy drills;
    private final PitrPolicy pitr;
    private final HookSettings hooks;

    Configuration(ConfigurationBuilder b) {
        this.services = Map.copyOf(b.services);
        this.serviceOrder = List.copyOf(b.services.keySet());
        this.mode = b.mode;
        this.server = b.server;
        this.copyToShared = b.copyToShared;
        this.targets = b.targets;
        this.providers = b.providers;
        this.zone = b.zone;
        this.backupRoot = b.backupRoot;
        this.databasesRoot = b.databasesRoot;
        this.pgBinDir = b.pgBinDir;
        this.toolSearchPath = b.toolSearchPath;
        this.operationTimeout = b.operationTimeout;
        this.variables = b.variables;
        this.schedule = b.schedule;
        this.retention = b.retention;
        this.destinationRetention = Map.copyOf(b.destinationRetention);
        this.stopGrace = b.stopGrace;
        this.lockWait = b.lockWait;
        this.healthMaxAge = b.healthMaxAge;
        this.destinationMaxLag = b.destinationMaxLag;
        this.notifyWebhook = b.notifyWebhook;
        this.notifyOnSuccess = b.notifyOnSuccess;
        this.healthcheckPing = b.healthcheckPing;
        this.notificationChannels = b.channels;
        this.metricsPort = b.metricsPort;
        this.statusPage = b.statusPage;
        this.verifyAfterDump = b.verifyAfterDump;
        this.serverLock = b.serverLock;
        this.rolePasswords = b.rolePasswords;
        this.source = b.source;
        this.compression = b.compression;
        this.parallelism = b.parallelism;
        this.encryption = b.encryption;
        this.drills = b.drills;
        this.pitr = b.pitr != null ? b.pitr : PitrPolicy.defaults(b.zone);
        this.hooks = b.hooks;
    }

    private final List<String> serviceOrder;

    /** Reads the process environment. */
    public static Configuration fromEnvironment() {
        return from(System.getenv());
    }

    /**
     * Reads a configuration from variables, with the storage providers on the classpath.
     *
     * @throws ConfigurationException listing every problem found
     */
    public static Configuration from(Map<String, String> environment) {
        return EnvironmentReader.read(environment, null);
    }

    /**
     * Reads a configuration from variables, with the given storage providers.
     *
     * @throws ConfigurationException listing every problem found
     */
    public static Configuration from(Map<String, String> environment, List<StorageProvider> providers) {
        return EnvironmentReader.read(environment, StorageProviders.of(providers));
    }

    /** The services of {@code DATABASE_LIST}, in its order. */
    public List<ServiceSettings> services() {
        return serviceOrder.stream().map(services::get).toList();
    }

    /** The names in {@code DATABASE_LIST}, in its order. */
    public List<String> serviceNames() {
        return serviceOrder;
    }

    /**
     * One service by its name in {@code DATABASE_LIST}.
     *
     * @throws UnknownServiceException if the list does not name it
     */
    public ServiceSettings service(String name) {
        ServiceSettings settings = services.get(name);
        if (settings == null) {
            throw new UnknownServiceException(name, serviceNames());
        }
        return settings;
    }

    /** {@code MODE}: production schedules dumps and uses the container's paths. */
    public Mode mode() {
        return mode;
    }

    /** {@code SERVER}: production creates the shared directories at start-up. */
    public Mode server() {
        return server;
    }

    /** {@code COPING_TO_SHARED}: scheduled production dumps also go to the shared directory. */
    public boolean copyToShared() {
        return copyToShared;
    }

    /** The destinations of {@code BACKUP_TARGET} as provider ids, in order; {@code filesystem} is {@code local}. */
    public List<String> targets() {
        return List.copyOf(targets.keySet());
    }

    /** A destination named by {@link #targets()}: its provider and that provider's own settings. */
    public StorageTarget target(String id) {
        StorageTarget target = targets.get(id);
        if (target == null) {
            throw new IllegalArgumentException("Not a target: " + id);
        }
        return target;
    }

    /**
     * A provider on the class path by id or alias, targeted or not: the shared directory
     * is written by the local provider whatever {@code BACKUP_TARGET} says.
     */
    public Optional<StorageProvider> installedProvider(String id) {
        return providers.find(id);
    }

    /** {@code TZ}, the zone of the schedule and of backup kinds; the system's zone when unset. */
    public ZoneId zone() {
        return zone;
    }

    /** The backup root: {@code data/} and {@code shared/} are below it. */
    public Path backupRoot() {
        return backupRoot;
    }

    /** Where the archives of each service live: {@code <backup root>/data/<service>}. */
    public Path dataRoot() {
        return backupRoot.resolve("data");
    }

    /** Where the shared copy of each service lives: {@code <backup root>/shared/<service>}. */
    public Path sharedRoot() {
        return backupRoot.resolve("shared");
    }

    /** Where the servers' data directories are mounted, one per service. */
    public Path databasesRoot() {
        return databasesRoot;
    }

    /** {@code PG_BIN_DIR}: the only directory to take PostgreSQL programs from, when set. */
    public Optional<Path> pgBinDir() {
        return pgBinDir;
    }

    /** Where PostgreSQL programs are looked for after the Debian directories, as in {@code PATH}. */
    public Optional<String> toolSearchPath() {
        return toolSearchPath;
    }

    /** {@code OPERATION_TIMEOUT}: how long one dump, restore or WAL reset may run. */
    public Duration operationTimeout() {
        return operationTimeout;
    }

    /** When {@code start} dumps: {@code BACKUP_SCHEDULE}, else 03:00, 09:00, 15:00 and 21:00 in {@code TZ}. */
    public Schedule schedule() {
        return schedule;
    }

    /** The retention periods: {@code RETENTION_*_DAYS}, by default 7, 30 and 365 days. */
    public RetentionPolicy retention() {
        return retention;
    }

    /**
     * The retention of one destination of {@link #targets()}: its own when one was given
     * ({@code <NAME>_RETENTION_*_DAYS} for a named destination), otherwise {@link #retention()}.
     */
    public RetentionPolicy retention(String destination) {
        return destinationRetention.getOrDefault(destination, retention);
    }

    /** {@code STOP_GRACE_SECONDS}: how long {@code start} lets a running dump finish when asked to stop. */
    public Duration stopGrace() {
        return stopGrace;
    }

    /** {@code LOCK_WAIT_SECONDS}: how long an operation waits for another one on its service before failing. */
    public Duration lockWait() {
        return lockWait;
    }

    /**
     * {@code DESTINATION_MAX_LAG}: how far a destination's newest archive may lag behind the
     * newest of all before {@code health} calls the service unhealthy.
     */
    public Duration destinationMaxLag() {
        return destinationMaxLag;
    }

    /** {@code HEALTH_MAX_AGE}: the age at which {@code health} calls a service stale; empty: from the schedule. */
    public Optional<Duration> healthMaxAge() {
        return healthMaxAge;
    }

    /** {@code NOTIFY_WEBHOOK_URL}: where scheduled runs post JSON events. */
    public Optional<URI> notifyWebhook() {
        return notifyWebhook;
    }

    /** {@code NOTIFY_ON=all}: successes are posted too, not only failures. */
    public boolean notifyOnSuccess() {
        return notifyOnSuccess;
    }

    /**
     * Where scheduled runs send notices: {@code NOTIFY_WEBHOOK_URL} first when set (as a
     * {@code generic+} channel), then each URL of {@code NOTIFY_URLS}, in order.
     */
    public List<NotificationChannel> notificationChannels() {
        return notificationChannels;
    }

    /** {@code HEALTHCHECK_PING_URL}: healthchecks.io-style pings for each scheduled run. */
    public Optional<URI> healthcheckPing() {
        return healthcheckPing;
    }

    /** {@code METRICS_PORT}: where {@code start} serves Prometheus metrics. */
    public Optional<Integer> metricsPort() {
        return metricsPort;
    }

    /** Where {@code start} serves its status page and API: {@code HTTP_PORT}, or else {@code METRICS_PORT}. */
    public Optional<StatusPageSettings> statusPage() {
        return statusPage;
    }

    /**
     * How old a service's newest complete archive may be and still be fresh, at a time:
     * {@code HEALTH_MAX_AGE}, or in production the schedule's longest gap around then plus
     * an hour; empty outside production without {@code HEALTH_MAX_AGE}, where nothing is due.
     */
    public Optional<Duration> freshnessLimit(Instant now) {
        return healthMaxAge.or(() -> mode == Mode.PRODUCTION
                ? Optional.of(schedule.longestGap(now).plus(HEALTH_GRACE)) : Optional.empty());
    }

    private static final Duration HEALTH_GRACE = Duration.ofHours(1);

    /** Where this configuration came from, which decides how its messages name settings. */
    public ConfigurationSource source() {
        return source;
    }

    /** {@code SERVER_LOCK}: whether each dump first takes its database's advisory lock on the server. */
    public boolean serverLock() {
        return serverLock;
    }

    /** {@code VERIFY_AFTER_DUMP}: whether every dump is read back in full and checked. */
    public boolean verifyAfterDump() {
        return verifyAfterDump;
    }

    /** {@code ROLE_PASSWORDS}: whether the saved roles keep their password hashes. */
    public boolean rolePasswords() {
        return rolePasswords;
    }

    /** {@code BACKUP_COMPRESSION}: how archives are compressed, zstd level 1 unless set. */
    public Compression compression() {
        return compression;
    }

    /** {@code BACKUP_PARALLELISM}: how many services {@code dump --all} and scheduled runs dump at once. */
    public int parallelism() {
        return parallelism;
    }

    /** {@code BACKUP_ENCRYPTION} and the age keys: plaintext unless set. */
    public DrillPolicy drills() {
        return drills;
    }

    /**
     * How point-in-time recovery runs for the services that have it: base backup schedule,
     * window, health lag, partial segment interval.
     */
    public PitrPolicy pitr() {
        return pitr;
    }

    /** The services with point-in-time recovery ({@code <PREFIX>_PITR=true}), in {@code DATABASE_LIST}'s order. */
    public List<String> pitrServices() {
        return serviceOrder.stream().filter(name -> services.get(name).pitr().enabled()).toList();
    }

    public HookSettings hooks() {
        return hooks;
    }

    public Encryption encryption() {
        return encryption;
    }

    /**
     * What the controller keeps for a service besides its archives: the lock, a parallel
     * restore's working copy and {@code resetwal}'s saves, in {@code data/<service>/.pgbackup}.
     * It sits on the service's backup volume, so every controller that mounts that volume
     * sees the same lock and the saves outlive the container; listings and retention skip
     * hidden names.
     */
    public Path stateDirectory(String service) {
        return dataRoot().resolve(service).resolve(STATE_DIRECTORY);
    }

    /** The name of a service's state directory inside its backup directory. */
    public static final String STATE_DIRECTORY = ".pgbackup";

    /**
     * The settings, as {@code NAME=value} pairs for a log, with every secret masked:
     * passwords, URLs (their paths hold tokens) and what each targeted storage provider
     * declares secret.
     */
    public String describe() {
        return MaskedSettings.describe(this, variables);
    }
}
