package org.pgbackup.config;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.pgbackup.compression.Compression;
import org.pgbackup.controller.BackupController;
import org.pgbackup.encryption.Encryption;
import org.pgbackup.error.ConfigurationException;
import org.pgbackup.internal.channel.ChannelProviders;
import org.pgbackup.internal.plugin.InstalledPlugins;
import org.pgbackup.internal.storage.StorageProviders;
import org.pgbackup.notify.NoticeEvent;
import org.pgbackup.notify.NotificationChannel;
import org.pgbackup.retention.RetentionPolicy;
import org.pgbackup.schedule.Schedule;
import org.pgbackup.spi.StorageProvider;
import org.pgbackup.spi.channel.ChannelProvider;

/**
 * A typed, validated configuration, for services that embed the controller:
 * {@code PgBackup.configure()...load()}. Every setting has the default the environment
 * gives it, except the backup root, which has none. {@link #build()} checks everything at
 * once and reports every problem in one {@link ConfigurationException}, with the messages
 * the command line gives: each names the environment variable the setting stands for.
 *
 * <p>The environment adapter ({@link Configuration#from(Map)}) fills one of these too.
 * Not thread-safe; build once, then share the {@link Configuration}.
 */
public final class ConfigurationBuilder {
    final List<String> problems = new ArrayList<>();
    final Map<String, ServiceSettings.Builder> serviceDetails = new LinkedHashMap<>();
    private final List<String> serviceNames = new ArrayList<>();
    private final List<Map.Entry<String, Map<String, String>>> storages = new ArrayList<>();
    StorageProviders providers;
    Mode mode = Mode.DEVELOPMENT;
    Mode server = Mode.DEVELOPMENT;
    boolean copyToShared;
    ZoneId zone = ZoneId.systemDefault();
    Path backupRoot;
    Path databasesRoot;
    Optional<Path> pgBinDir = Optional.empty();
    Optional<Path> pluginDirectory = Optional.empty();
    ConfigurationSource source = ConfigurationSource.BUILDER;
    Optional<String> toolSearchPath = Optional.ofNullable(System.getenv("PATH"));
    Duration operationTimeout = Duration.ofHours(6);
    Schedule schedule;
    RetentionPolicy retention = RetentionPolicy.DEFAULT;
    final Map<String, RetentionPolicy> destinationRetention = new LinkedHashMap<>();
    Duration stopGrace = Duration.ofSeconds(30);
    Duration lockWait = Duration.ofSeconds(60);
    Optional<Duration> healthMaxAge = Optional.empty();
    Duration destinationMaxLag = Configuration.DEFAULT_DESTINATION_MAX_LAG;
    Optional<URI> notifyWebhook = Optional.empty();
    boolean notifyOnSuccess;
    Optional<URI> healthcheckPing = Optional.empty();
    final List<Map.Entry<String, String>> notifyUrls = new ArrayList<>();
    ChannelProviders channelProviders;
    Optional<Integer> metricsPort = Optional.empty();
    Optional<StatusPageSettings> statusPage = Optional.empty();
    boolean verifyAfterDump;
    boolean serverLock = true;
    boolean rolePasswords = true;
    DrillPolicy drills = DrillPolicy.defaults();
    /** Null for the defaults in the zone, which may be set after. */
    PitrPolicy pitr;
    HookSettings hooks = HookSettings.none();
    Compression compression = Compression.DEFAULT;
    int parallelism = 2;
    Encryption encryption = Encryption.none();
    Clock clock = Clock.systemUTC();
    Map<String, String> variables = Map.of();
    // Filled by build().
    Map<String, ServiceSettings> services;
    Map<String, StorageTarget> targets;
    List<NotificationChannel> channels;

    /** An empty configuration; {@code PgBackup.configure()} says the same. */
    public ConfigurationBuilder() {
    }

    /**
     * Adds a service ({@code DATABASE_LIST}): letters, digits, {@code -} and {@code _},
     * starting with a letter or digit. Services are dumped in the order added.
     */
    public ConfigurationBuilder service(String name, Consumer<ServiceSettings.Builder> details) {
        requireNonNull(name, "name is null");
        serviceNames.add(name);
        if (!serviceDetails.containsKey(name)) {
            // A name given twice is reported by build(); its details are read once.
            ServiceSettings.Builder builder = new ServiceSettings.Builder();
            details.accept(builder);
            serviceDetails.put(name, builder);
        }
        return this;
    }

    /** Adds a destination ({@code BACKUP_TARGET}) that needs no settings, such as {@code local}. */
    public ConfigurationBuilder storage(String id) {
        return storage(id, Map.of());
    }

    /**
     * Adds a destination with its settings, such as {@code storage("s3", Map.of("S3_BUCKET",
     * "backups", ...))}. Its provider receives only the settings under its own prefix.
     */
    public ConfigurationBuilder storage(String id, Map<String, String> settings) {
        storages.add(Map.entry(requireNonNull(id, "id is null"), Map.copyOf(settings)));
        return this;
    }

    /** The providers to choose destinations from; the ones on the class path unless set. */
    public ConfigurationBuilder storageProviders(List<StorageProvider> providers) {
        this.providers = StorageProviders.of(providers);
        return this;
    }

    /**
     * {@code CONTROLLER_PLUGINS}: a directory of storage plugins, each jar in it (or each
     * directory of jars) loaded through a class loader of its own that sees only the SPI and
     * the JDK. Ignored when {@link #storageProviders} names the providers.
     */
    public ConfigurationBuilder pluginDirectory(Path directory) {
        this.pluginDirectory = Optional.of(requireNonNull(directory, "directory is null"));
        return this;
    }

    /** {@code BACKUP_ROOT}: the directory holding {@code data/} and {@code shared/}. Required. */
    public ConfigurationBuilder backupRoot(Path backupRoot) {
        this.backupRoot = requireNonNull(backupRoot, "backupRoot is null");
        return this;
    }

    /** {@code DATABASES_ROOT}: where the servers' data directories are mounted; {@code <backup root>/databases} unless set. */
    public ConfigurationBuilder databasesRoot(Path databasesRoot) {
        this.databasesRoot = requireNonNull(databasesRoot, "databasesRoot is null");
        return this;
    }

    /** {@code PG_BIN_DIR}: the only directory to take PostgreSQL programs from. */
    public ConfigurationBuilder pgBinDir(Path pgBinDir) {
        this.pgBinDir = Optional.of(pgBinDir);
        return this;
    }

    /** Where to look for PostgreSQL programs after the Debian directories, as in {@code PATH}; this process's {@code PATH} unless set. */
    public ConfigurationBuilder toolSearchPath(String path) {
        this.toolSearchPath = Optional.ofNullable(path);
        return this;
    }

    /** {@code BACKUP_COMPRESSION}; zstd level 1 unless set. */
    public ConfigurationBuilder compression(Compression compression) {
        this.compression = requireNonNull(compression, "compression is null");
        return this;
    }

    /**
     * {@code BACKUP_ENCRYPTION}, {@code AGE_RECIPIENTS} and {@code AGE_IDENTITY_FILE}: whether
     * new archives are encrypted with age, and the identities that open encrypted ones.
     * Plaintext unless set.
     */
    public ConfigurationBuilder encryption(Encryption encryption) {
        this.encryption = requireNonNull(encryption, "encryption is null");
        return this;
    }

    /** {@code BACKUP_PARALLELISM}: how many services are dumped at once, 1 to 64; 2 unless set. */
    public ConfigurationBuilder parallelism(int parallelism) {
        this.parallelism = parallelism;
        return this;
    }

    /** The clock that names archives and decides their kinds; the system's UTC clock unless set. */
    public ConfigurationBuilder clock(Clock clock) {
        this.clock = requireNonNull(clock, "clock is null");
        return this;
    }

    /** {@code TZ}: the zone of the schedule and of backup kinds; the system's unless set. */
    public ConfigurationBuilder zone(ZoneId zone) {
        this.zone = requireNonNull(zone, "zone is null");
        return this;
    }

    /** {@code MODE}. */
    public ConfigurationBuilder mode(Mode mode) {
        this.mode = requireNonNull(mode, "mode is null");
        return this;
    }

    /** {@code SERVER}: production creates the shared directories when a client opens. */
    public ConfigurationBuilder server(Mode server) {
        this.server = requireNonNull(server, "server is null");
        return this;
    }

    /** {@code COPING_TO_SHARED}: scheduled dumps also replace the shared copy. */
    public ConfigurationBuilder copyToShared(boolean copyToShared) {
        this.copyToShared = copyToShared;
        return this;
    }

    /** {@code OPERATION_TIMEOUT}: how long one dump, restore or WAL reset may run; 6 hours unless set. */
    public ConfigurationBuilder operationTimeout(Duration timeout) {
        this.operationTimeout = requireNonNull(timeout, "timeout is null");
        return this;
    }

    /** {@code BACKUP_SCHEDULE}; 03:00, 09:00, 15:00 and 21:00 in the zone unless set. */
    public ConfigurationBuilder schedule(Schedule schedule) {
        this.schedule = requireNonNull(schedule, "schedule is null");
        return this;
    }

    /** {@code RETENTION_*_DAYS}. */
    public ConfigurationBuilder retention(RetentionPolicy retention) {
        this.retention = requireNonNull(retention, "retention is null");
        return this;
    }

    /**
     * A destination's own retention, such as the offsite bucket's of {@code s3:offsite}
     * ({@code OFFSITE_RETENTION_DAILY_DAYS} and the like); the others keep
     * {@link #retention(RetentionPolicy)}.
     */
    public ConfigurationBuilder retention(String destination, RetentionPolicy retention) {
        destinationRetention.put(requireNonNull(destination, "destination is null"),
                requireNonNull(retention, "retention is null"));
        return this;
    }

    /** {@code STOP_GRACE_SECONDS}: how long a stop lets a running dump finish. */
    public ConfigurationBuilder stopGrace(Duration grace) {
        this.stopGrace = requireNonNull(grace, "grace is null");
        return this;
    }

    /** {@code LOCK_WAIT_SECONDS}: how long an operation waits for another one on its service. */
    public ConfigurationBuilder lockWait(Duration wait) {
        this.lockWait = requireNonNull(wait, "wait is null");
        return this;
    }

    /** {@code HEALTH_MAX_AGE}: how old the newest archive may be before health calls it stale. */
    public ConfigurationBuilder healthMaxAge(Duration maxAge) {
        this.healthMaxAge = Optional.of(maxAge);
        return this;
    }

    /**
     * {@code DESTINATION_MAX_LAG} (default one day): with several destinations, how far the
     * newest archive one of them holds may lag behind the newest archive of all before
     * {@code health} calls the service unhealthy.
     */
    public ConfigurationBuilder destinationMaxLag(Duration maxLag) {
        this.destinationMaxLag = requireNonNull(maxLag, "maxLag is null");
        return this;
    }

    /** {@code NOTIFY_WEBHOOK_URL} and {@code NOTIFY_ON=all} when {@code onSuccess}. */
    public ConfigurationBuilder notifyWebhook(URI url, boolean onSuccess) {
        this.notifyWebhook = Optional.of(url);
        this.notifyOnSuccess = onSuccess;
        return this;
    }

    /**
     * Adds a notification channel ({@code NOTIFY_URLS}), a URL such as
     * {@code slack://<A>/<B>/<C>} or {@code smtp://user:password@host:587/?from=…&to=…},
     * optionally with {@code ?events=backup.failed,drill.failed,…} (default: failures only).
     * Its scheme picks the channel provider; {@link #build()} checks it.
     */
    public ConfigurationBuilder notify(String url) {
        requireNonNull(url, "url is null");
        notifyUrls.add(Map.entry(source.either("NOTIFY_URLS entry ", "notify(url) #") + (notifyUrls.size() + 1), url));
        return this;
    }

    /** The providers to choose notification channels from; the installed ones unless set. */
    public ConfigurationBuilder channelProviders(List<ChannelProvider> providers) {
        this.channelProviders = ChannelProviders.of(providers);
        return this;
    }

    /** {@code HEALTHCHECK_PING_URL}. */
    public ConfigurationBuilder healthcheckPing(URI url) {
        this.healthcheckPing = Optional.of(url);
        return this;
    }

    /** {@code METRICS_PORT}: where {@code start} serves Prometheus metrics. */
    public ConfigurationBuilder metricsPort(int port) {
        this.metricsPort = Optional.of(port);
        return this;
    }

    /** {@code HTTP_PORT} and its companions: where {@code start} serves the status page and API. */
    public ConfigurationBuilder statusPage(StatusPageSettings settings) {
        this.statusPage = Optional.of(settings);
        return this;
    }

    /**
     * {@code SERVER_LOCK} (default true): before each dump, take the database's advisory lock
     * on its own server, so that controllers on other hosts never dump it at the same time.
     * Turn it off only where session locks do not hold, such as behind a connection pooler in
     * transaction mode.
     */
    public ConfigurationBuilder serverLock(boolean lock) {
        this.serverLock = lock;
        return this;
    }

    /** {@code VERIFY_AFTER_DUMP}: read every new archive back in full. */
    public ConfigurationBuilder verifyAfterDump(boolean verify) {
        this.verifyAfterDump = verify;
        return this;
    }

    /**
     * {@code ROLE_PASSWORDS}: whether the roles saved beside each archive keep their password
     * hashes (the default, so that a restore onto a new server brings logins back); false
     * saves them without ({@code pg_dumpall --no-role-passwords}), and restored roles then
     * need a new password before they can log in.
     */
    public ConfigurationBuilder rolePasswords(boolean keep) {
        this.rolePasswords = keep;
        return this;
    }

    /** {@code DRILL_SCHEDULE}, {@code DRILL_MAX_AGE} and {@code DRILL_COUNT_ROWS}. */
    public ConfigurationBuilder drills(DrillPolicy drills) {
        this.drills = requireNonNull(drills, "drills is null");
        return this;
    }

    /**
     * {@code BASE_BACKUP_SCHEDULE}, {@code PITR_RETENTION_DAYS}, {@code WAL_MAX_LAG} and
     * {@code WAL_PARTIAL_SECONDS}; {@link PitrPolicy#defaults} unless set.
     */
    public ConfigurationBuilder pitr(PitrPolicy pitr) {
        this.pitr = requireNonNull(pitr, "pitr is null");
        return this;
    }

    /** {@code HOOKS_DIR} and {@code HOOK_TIMEOUT}; no hooks unless set. */
    public ConfigurationBuilder hooks(HookSettings hooks) {
        this.hooks = requireNonNull(hooks, "hooks is null");
        return this;
    }

    /**
     * Checks every setting at once.
     *
     * @throws ConfigurationException listing every problem found
     */
    public Configuration build() {
        List<String> found = new ArrayList<>(problems);
        if (backupRoot == null) {
            found.add(source.either("BACKUP_ROOT is empty", "No backup root was given: call backupRoot(Path)")
                    + ": set the directory that holds data/ and shared/");
        }
        Path dbRoot = databasesRoot != null ? databasesRoot
                : Optional.ofNullable(backupRoot).orElse(Path.of("/")).resolve("databases");
        RangeChecks.check(this, found);
        encryption.check(found);
        services = ServiceChecks.check(serviceNames, serviceDetails, dbRoot, source, found);
        loadProviders(found);
        targets = new StorageTargets(providers).check(storages, services.values(), source, found);
        channels = readChannels(found);
        if (!found.isEmpty()) {
            throw new ConfigurationException(found);
        }
        if (databasesRoot == null) {
            databasesRoot = dbRoot;
        }
        if (schedule == null) {
            schedule = Schedule.defaultTimes(zone);
        }
        return new Configuration(this);
    }

    /** The storage and channel providers not given: those installed, each plugin opened once. */
    private void loadProviders(List<String> found) {
        if (providers != null && channelProviders != null) {
            return;
        }
        InstalledPlugins plugins = InstalledPlugins.classPath();
        try {
            plugins = pluginDirectory.map(InstalledPlugins::in).orElse(plugins);
        } catch (ConfigurationException e) {
            found.addAll(e.problems());
        }
        try {
            if (providers == null) {
                providers = StorageProviders.installed(plugins);
            }
        } catch (ConfigurationException e) {
            found.addAll(e.problems());
            providers = StorageProviders.of(List.of());
        }
        try {
            if (channelProviders == null) {
                channelProviders = ChannelProviders.installed(plugins);
            }
        } catch (ConfigurationException e) {
            found.addAll(e.problems());
            channelProviders = ChannelProviders.of(List.of());
        }
        plugins.warnOfIdlePlugins("storage or notification channel");
    }

    private List<NotificationChannel> readChannels(List<String> found) {
        List<NotificationChannel> read = new ArrayList<>();
        notifyWebhook.ifPresent(url -> channelProviders.read("generic+" + url, source.either("NOTIFY_WEBHOOK_URL",
                "the webhook URL"), notifyOnSuccess ? EnumSet.allOf(NoticeEvent.class) : NoticeEvent.failures(), found)
                .ifPresent(read::add));
        for (Map.Entry<String, String> url : notifyUrls) {
            channelProviders.read(url.getValue(), url.getKey(), NoticeEvent.failures(), found).ifPresent(read::add);
        }
        return List.copyOf(read);
    }

    /**
     * Checks everything, then opens a client on the clock given.
     *
     * @throws ConfigurationException listing every problem found
     */
    public BackupController load() {
        return BackupController.open(build(), clock);
    }
}
