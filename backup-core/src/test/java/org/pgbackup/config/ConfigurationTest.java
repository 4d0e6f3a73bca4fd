package org.pgbackup.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.pgbackup.compression.Compression;
import org.pgbackup.error.ConfigurationException;
import org.pgbackup.error.UnknownServiceException;
import org.pgbackup.retention.RetentionPolicy;
import org.pgbackup.spi.Storage;
import org.pgbackup.spi.StorageContext;
import org.pgbackup.spi.StorageProvider;

class ConfigurationTest {
    /** A provider that only answers ids and checks one setting; it never stores anything. */
    static class IdOnlyProvider implements StorageProvider {
        private final String id;
        private final Set<String> aliases;

        IdOnlyProvider(String id, Set<String> aliases) {
            this.id = id;
            this.aliases = aliases;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public Set<String> aliases() {
            return aliases;
        }

        @Override
        public List<String> validate(Map<String, String> environment) {
            return environment.containsKey(id.toUpperCase() + "_BROKEN") ? List.of(id + " setting is broken") : List.of();
        }

        @Override
        public Storage create(StorageContext context) {
            throw new UnsupportedOperationException();
        }
    }

    private static final List<StorageProvider> PROVIDERS = List.of(new IdOnlyProvider("local", Set.of("filesystem")),
            new IdOnlyProvider("s3", Set.of()));

    private static Configuration read(Map<String, String> env) {
        return Configuration.from(env, PROVIDERS);
    }

    private static Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    @Test
    void defaultsFollowTheSpecification() {
        Configuration config = read(env("DATABASE_LIST", "users"));

        ServiceSettings users = config.service("users");
        assertThat(users.host()).isEqualTo("users");
        assertThat(users.port()).isEqualTo(5432);
        assertThat(users.user()).isEqualTo("postgres");
        assertThat(new String(users.password().get())).isEqualTo("postgres");
        assertThat(users.database()).isEqualTo("postgres");
        assertThat(config.mode()).isEqualTo(Mode.DEVELOPMENT);
        assertThat(config.targets()).containsExactly("local");
        assertThat(config.dataRoot()).isEqualTo(Path.of("backup-data/data"));
        assertThat(config.sharedRoot()).isEqualTo(Path.of("backup-data/shared"));
        assertThat(users.dataDirectory()).isEqualTo(Path.of("backup-data/databases/users"));
        assertThat(config.copyToShared()).isFalse();
        assertThat(config.operationTimeout()).isEqualTo(Duration.ofHours(6));
    }

    @Test
    void compressionIsZstdLevel3AndTwoServicesRunAtOnceUnlessSet() {
        Configuration defaults = read(env("DATABASE_LIST", "a"));
        assertThat(defaults.compression()).isEqualTo(Compression.DEFAULT);
        assertThat(defaults.parallelism()).isEqualTo(2);

        Configuration custom = read(env("DATABASE_LIST", "a", "BACKUP_COMPRESSION", "gzip:9", "BACKUP_PARALLELISM", "1"));
        assertThat(custom.compression()).hasToString("gzip:9");
        assertThat(custom.parallelism()).isEqualTo(1);

        assertThatThrownBy(() -> read(env("DATABASE_LIST", "a", "BACKUP_COMPRESSION", "zstd:22", "BACKUP_PARALLELISM",
                "0"))).isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problems()).containsExactly(
                        "Invalid value for BACKUP_COMPRESSION (should be zstd, zstd:<1-19>, gzip, gzip:<1-9> or none):"
                                + " zstd:22",
                        "Invalid value for BACKUP_PARALLELISM (should be a whole number from 1 to 64): 0"));
    }

    @Test
    void productionUsesTheContainerPaths() {
        Configuration config = read(env("DATABASE_LIST", "users", "MODE", "production"));
        assertThat(config.dataRoot()).isEqualTo(Path.of("/var/lib/postgresql/backup/data"));
        assertThat(config.sharedRoot()).isEqualTo(Path.of("/var/lib/postgresql/backup/shared"));
        assertThat(config.service("users").dataDirectory()).isEqualTo(Path.of("/var/lib/postgresql/databases/users"));
    }

    @Test
    void rootsCanBeMovedInEitherMode() {
        Configuration config = read(env("DATABASE_LIST", "users", "MODE", "production", "BACKUP_ROOT", "/b",
                "DATABASES_ROOT", "/d"));
        assertThat(config.dataRoot()).isEqualTo(Path.of("/b/data"));
        assertThat(config.service("users").dataDirectory()).isEqualTo(Path.of("/d/users"));
    }

    @Test
    void perServiceVariablesUseThePrefixWithHyphensAsUnderscores() {
        Configuration config = read(env("DATABASE_LIST", " user-db , orders ", "USER_DB_POSTGRES_HOST", "db1",
                "USER_DB_POSTGRES_PORT", "6543", "USER_DB_POSTGRES_USER", "alice", "USER_DB_POSTGRES_PASSWORD", " s e c ",
                "USER_DB_POSTGRES_DB", "users", "USER_DB_PGDATA", "/pg/users", "ORDERS_POSTGRES_USER", "bob"));

        assertThat(config.serviceNames()).containsExactly("user-db", "orders");
        ServiceSettings users = config.service("user-db");
        assertThat(users.envPrefix()).isEqualTo("USER_DB_");
        assertThat(users.address()).isEqualTo("db1:6543");
        assertThat(users.user()).isEqualTo("alice");
        assertThat(new String(users.password().get())).isEqualTo(" s e c ");
        assertThat(users.database()).isEqualTo("users");
        assertThat(users.dataDirectory()).isEqualTo(Path.of("/pg/users"));
        assertThat(config.service("orders").user()).isEqualTo("bob");
        assertThat(config.service("orders").host()).isEqualTo("orders");
    }

    @Test
    void passwordNeverShowsInTheSettingsText() {
        ServiceSettings users = read(env("DATABASE_LIST", "users", "USERS_POSTGRES_PASSWORD", "hunter2")).service("users");
        assertThat(users.toString()).doesNotContain("hunter2").contains("****");
    }

    @Test
    void everyProblemIsReportedAtOnceEachNamingItsVariable() {
        assertThatThrownBy(() -> read(env("DATABASE_LIST", "a,,b/c,user-db,user_db,a", "MODE", "prodution",
                "SERVER", "yes", "COPING_TO_SHARED", "maybe", "BACKUP_TARGET", "local,ftp", "TZ", "Mars/Olympus",
                "A_POSTGRES_PORT", "-3", "OPERATION_TIMEOUT", "soon")))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problems()).containsExactly(
                        "Invalid value for MODE (should be production, development or empty): prodution",
                        "Invalid value for SERVER (should be production, development or empty): yes",
                        "Invalid value for COPING_TO_SHARED (should be true or false): maybe",
                        "Invalid value for TZ (should be a zone such as UTC or Europe/Berlin): Mars/Olympus",
                        "Invalid value for OPERATION_TIMEOUT (should be a positive duration such as 3600, 90m or 6h): soon",
                        "Invalid value for A_POSTGRES_PORT (should be a port from 1 to 65535): -3",
                        "Invalid value for DATABASE_LIST (has an empty entry; remove the extra comma): a,,b/c,user-db,user_db,a",
                        "Invalid service 'b/c' in DATABASE_LIST: a service is letters, digits, '-' and '_', starting with a"
                                + " letter or digit",
                        "Invalid value for DATABASE_LIST: services 'user-db' and 'user_db' both read variables"
                                + " USER_DB_POSTGRES_*; rename one",
                        "Invalid value for DATABASE_LIST: service 'a' is listed twice",
                        "Unknown destination 'ftp' in BACKUP_TARGET: known destinations are filesystem, local, s3"))
                .hasMessageContaining("; ");
    }

    @Test
    void identifiersThatCannotBePathSegmentsAreRejected() {
        for (String bad : List.of("..", "../x", "a b", "-a", "_a", "a/b", "a.b")) {
            assertThatThrownBy(() -> read(env("DATABASE_LIST", bad))).as(bad)
                    .isInstanceOf(ConfigurationException.class).hasMessageContaining("DATABASE_LIST");
        }
    }

    @Test
    void emptyDatabaseListSaysHowToSetIt() {
        assertThatThrownBy(() -> read(env())).isInstanceOf(ConfigurationException.class)
                .hasMessage("DATABASE_LIST is empty: set it to a comma-separated list of services, such as"
                        + " DATABASE_LIST=users,orders");
    }

    @Test
    void localAndFilesystemBothMeanTheLocalVolumeButNotTwice() {
        assertThat(read(env("DATABASE_LIST", "a", "BACKUP_TARGET", "filesystem,s3")).targets())
                .containsExactly("local", "s3");
        assertThat(read(env("DATABASE_LIST", "a", "BACKUP_TARGET", " LOCAL ")).targets()).containsExactly("local");
        assertThatThrownBy(() -> read(env("DATABASE_LIST", "a", "BACKUP_TARGET", "local,filesystem")))
                .hasMessage("Invalid value for BACKUP_TARGET: 'filesystem' names a destination already listed:"
                        + " local,filesystem");
    }

    @Test
    void storageProblemsJoinTheSameReport() {
        assertThatThrownBy(() -> read(env("DATABASE_LIST", "a", "MODE", "x", "BACKUP_TARGET", "s3", "S3_BROKEN", "1")))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problems())
                        .containsExactly("Invalid value for MODE (should be production, development or empty): x",
                                "s3 setting is broken"));
    }

    @Test
    void timezoneAndDurationsParse() {
        Configuration config = read(env("DATABASE_LIST", "a", "TZ", "Europe/Berlin", "OPERATION_TIMEOUT", "90m"));
        assertThat(config.zone()).isEqualTo(ZoneId.of("Europe/Berlin"));
        assertThat(config.operationTimeout()).isEqualTo(Duration.ofMinutes(90));
        assertThat(EnvironmentReader.parseDuration("3600")).contains(Duration.ofHours(1));
        assertThat(EnvironmentReader.parseDuration("2d")).contains(Duration.ofDays(2));
        assertThat(EnvironmentReader.parseDuration("0")).isEmpty();
        assertThat(EnvironmentReader.parseDuration("-5")).isEmpty();
        assertThat(EnvironmentReader.parseDuration("99999999999999999999")).isEmpty();
    }

    @Test
    void destinationMaxLagIsADayUnlessSetAndIsValidated() {
        assertThat(read(env("DATABASE_LIST", "a")).destinationMaxLag()).isEqualTo(Duration.ofDays(1));
        assertThat(read(env("DATABASE_LIST", "a", "DESTINATION_MAX_LAG", "36h")).destinationMaxLag())
                .isEqualTo(Duration.ofHours(36));
        assertThatThrownBy(() -> read(env("DATABASE_LIST", "a", "DESTINATION_MAX_LAG", "a day")))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problems()).containsExactly(
                        "Invalid value for DESTINATION_MAX_LAG (should be a positive duration such as 1d, 26h or"
                                + " 3600): a day"));
    }

    @Test
    void scheduleRetentionAndGraceHaveDefaultsAndAreValidated() {
        Configuration defaults = read(env("DATABASE_LIST", "a", "TZ", "Europe/Berlin"));
        assertThat(defaults.schedule().expression()).isEqualTo("0 3,9,15,21 * * *");
        assertThat(defaults.schedule().zone()).isEqualTo(ZoneId.of("Europe/Berlin"));
        assertThat(defaults.retention()).isEqualTo(RetentionPolicy.DEFAULT);
        assertThat(defaults.stopGrace()).isEqualTo(Duration.ofSeconds(30));

        Configuration custom = read(env("DATABASE_LIST", "a", "BACKUP_SCHEDULE", "*/10 * * * * *",
                "RETENTION_DAILY_DAYS", "3", "RETENTION_WEEKLY_DAYS", "14", "RETENTION_MONTHLY_DAYS", "90",
                "STOP_GRACE_SECONDS", "0"));
        assertThat(custom.schedule().expression()).isEqualTo("*/10 * * * * *");
        assertThat(custom.retention()).isEqualTo(new RetentionPolicy(Duration.ofDays(3), Duration.ofDays(14),
                Duration.ofDays(90)));
        assertThat(custom.stopGrace()).isZero();

        assertThatThrownBy(() -> read(env("DATABASE_LIST", "a", "BACKUP_SCHEDULE", "every hour",
                "RETENTION_DAILY_DAYS", "0", "RETENTION_WEEKLY_DAYS", "-1", "RETENTION_MONTHLY_DAYS", "a year",
                "STOP_GRACE_SECONDS", "-5")))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problems()).containsExactly(
                        "Invalid value for BACKUP_SCHEDULE (should be a cron expression of five fields, minute hour day"
                                + " month weekday, or six with seconds first, such as '0 3,9,15,21 * * *'): every hour",
                        "Invalid value for RETENTION_DAILY_DAYS (should be a whole number of days, 1 or more): 0",
                        "Invalid value for RETENTION_WEEKLY_DAYS (should be a whole number of days, 1 or more): -1",
                        "Invalid value for RETENTION_MONTHLY_DAYS (should be a whole number of days, 1 or more): a year",
                        "Invalid value for STOP_GRACE_SECONDS (should be a whole number of seconds, 0 or more): -5"));
    }

    @Test
    void describingTheConfigurationMasksEverySecret() {
        StorageProvider s3 = new IdOnlyProvider("s3", Set.of()) {
            @Override
            public Set<String> secretSettings() {
                return Set.of("S3_SECRET_ACCESS_KEY", "S3_SESSION_TOKEN");
            }

            @Override
            public Set<String> settings() {
                return Set.of("S3_SECRET_ACCESS_KEY", "S3_SESSION_TOKEN", "S3_ACCESS_KEY_ID");
            }
        };
        Configuration config = Configuration.from(env("DATABASE_LIST", "users", "USERS_POSTGRES_PASSWORD", "pw-1",
                "USERS_POSTGRES_USER", "alice", "BACKUP_TARGET", "s3", "S3_SECRET_ACCESS_KEY", "sk-2",
                "S3_SESSION_TOKEN", "tok-3", "S3_ACCESS_KEY_ID", "AKIA", "HOME", "/root", "OTHER_POSTGRES_PASSWORD",
                "pw-4", "NOTIFY_WEBHOOK_URL", "https://hooks.example/T0K3N"), List.of(s3));
        assertThat(config.describe()).isEqualTo("BACKUP_TARGET=s3 DATABASE_LIST=users NOTIFY_WEBHOOK_URL=****"
                + " S3_ACCESS_KEY_ID=AKIA"
                + " S3_SECRET_ACCESS_KEY=**** S3_SESSION_TOKEN=**** USERS_POSTGRES_PASSWORD=****"
                + " USERS_POSTGRES_USER=alice");
    }

    @Test
    void unknownServiceNamesTheKnownOnes() {
        Configuration config = read(env("DATABASE_LIST", "users,orders"));
        assertThatThrownBy(() -> config.service("nope")).isInstanceOf(UnknownServiceException.class)
                .hasMessage("Unknown service 'nope': DATABASE_LIST contains users, orders. Use one of these, or add the"
                        + " service to DATABASE_LIST.");
    }

    @Test
    void twoProvidersClaimingOneIdAreNamed() {
        assertThatThrownBy(() -> Configuration.from(env("DATABASE_LIST", "a"), List.of(new IdOnlyProvider("local",
                Set.of()), new StorageProvider() {
                    @Override
                    public String id() {
                        return "other";
                    }

                    @Override
                    public Set<String> aliases() {
                        return Set.of("local");
                    }

                    @Override
                    public Storage create(StorageContext context) {
                        throw new UnsupportedOperationException();
                    }
                }))).isInstanceOf(ConfigurationException.class).hasMessageContaining("Storage id 'local' is claimed by both");
    }
}
