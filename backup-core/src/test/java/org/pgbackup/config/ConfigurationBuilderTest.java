package org.pgbackup.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pgbackup.PgBackup;
import org.pgbackup.compression.Compression;
import org.pgbackup.error.ConfigurationException;
import org.pgbackup.error.ErrorCode;
import org.pgbackup.spi.Storage;
import org.pgbackup.spi.StorageContext;
import org.pgbackup.spi.StorageProvider;

/** The typed entry point: every problem at once, in the command line's words; no hidden defaults. */
class ConfigurationBuilderTest {
    /** A local provider that makes no storage: configurations only. */
    static final StorageProvider LOCAL = new StorageProvider() {
        @Override
        public String id() {
            return "local";
        }

        @Override
        public Storage create(StorageContext context) {
            throw new UnsupportedOperationException();
        }
    };

    @TempDir
    Path root;

    @Test
    void everyProblemIsReportedAtOnceNamingTheBuilderMethodsNotTheVariables() {
        assertThatThrownBy(() -> PgBackup.configure().storageProviders(List.of(LOCAL))
                .service("users", s -> s.port(0)).service("users", s -> { })
                .service("bad/name", s -> { })
                .storage("ftp").parallelism(0).pgBinDir(root.resolve("nowhere")).build())
                .isInstanceOfSatisfying(ConfigurationException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.CONFIGURATION);
                    assertThat(e.exitCode()).isEqualTo(2);
                    assertThat(e.problems()).containsExactly(
                            "No backup root was given: call backupRoot(Path): set the directory that holds data/ and"
                                    + " shared/",
                            "Invalid value for pgBinDir(Path) (should be a directory holding pg_dump, pg_restore and"
                                    + " psql): " + root.resolve("nowhere") + " is not a directory",
                            "Invalid value for parallelism(int) (should be a whole number from 1 to 64): 0",
                            "Invalid value for service(\"users\", s -> s.port(...)) (should be a port from 1 to 65535): 0",
                            "Invalid value for service(name, ...): service 'users' is listed twice",
                            "Invalid service 'bad/name' in service(name, ...): a service is letters, digits, '-' and"
                                    + " '_', starting with a letter or digit",
                            "Unknown destination 'ftp' in storage(id): known destinations are local");
                    assertThat(String.join("\n", e.problems())).doesNotContainPattern("[A-Z]{2,}_[A-Z_]+");
                });
    }

    @Test
    void theSameProblemsFromTheEnvironmentNameTheVariables() {
        assertThatThrownBy(() -> Configuration.from(Map.of("DATABASE_LIST", "users,users,bad/name", "USERS_POSTGRES_PORT",
                "0", "BACKUP_TARGET", "ftp", "BACKUP_PARALLELISM", "0", "PG_BIN_DIR", root.resolve("nowhere").toString(),
                "BACKUP_ROOT", root.toString()), List.of(LOCAL)))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problems()).contains(
                        "Invalid value for DATABASE_LIST: service 'users' is listed twice",
                        "Invalid service 'bad/name' in DATABASE_LIST: a service is letters, digits, '-' and '_',"
                                + " starting with a letter or digit",
                        "Unknown destination 'ftp' in BACKUP_TARGET: known destinations are local")
                        .anySatisfy(p -> assertThat(p).startsWith("Invalid value for BACKUP_PARALLELISM"))
                        .anySatisfy(p -> assertThat(p).startsWith("Invalid value for PG_BIN_DIR")));
    }

    @Test
    void noServiceAndNoDestinationAreProblemsToo() {
        assertThatThrownBy(() -> PgBackup.configure().storageProviders(List.of(LOCAL)).backupRoot(root).build())
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problems()).containsExactly(
                        "No service is configured: add one with service(\"users\", s -> s.host(...).password(...))",
                        "No destination was given: call storage(id): name at least one destination, such as local"
                                + " or s3"));
    }

    @Test
    void typedSettingsArriveAsGivenAndUnsetOnesTakeTheEnvironmentsDefaults() {
        char[] secret = "s3cr3t".toCharArray();
        Configuration config = PgBackup.configure().storageProviders(List.of(LOCAL)).backupRoot(root)
                .service("user-db", s -> s.host("db").port(6543).user("backup").password(secret).database("app"))
                .storage("LOCAL").compression(Compression.parse("gzip:5")).parallelism(4)
                .zone(ZoneId.of("Europe/Berlin")).lockWait(Duration.ofSeconds(5)).build();
        java.util.Arrays.fill(secret, 'x');

        ServiceSettings users = config.service("user-db");
        assertThat(users.address()).isEqualTo("db:6543");
        assertThat(users.envPrefix()).isEqualTo("USER_DB_");
        assertThat(new String(users.password().get())).as("copied, so the caller may clear its array")
                .isEqualTo("s3cr3t");
        assertThat(users.toString()).doesNotContain("s3cr3t");
        assertThat(users.dataDirectory()).isEqualTo(root.resolve("databases/user-db"));
        assertThat(config.targets()).containsExactly("local");
        assertThat(config.compression()).hasToString("gzip:5");
        assertThat(config.parallelism()).isEqualTo(4);
        assertThat(config.lockWait()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.operationTimeout()).isEqualTo(Duration.ofHours(6));
        assertThat(config.retention().daily()).isEqualTo(Duration.ofDays(7));
        assertThat(config.schedule()).isNotNull();
        assertThat(config.describe()).contains("DATABASE_LIST=user-db").contains("BACKUP_TARGET=local")
                .doesNotContain("s3cr3t");
    }

    @Test
    void aPasswordSupplierIsAskedEachTime() {
        int[] asked = {0};
        Configuration config = PgBackup.configure().storageProviders(List.of(LOCAL)).backupRoot(root)
                .service("a", s -> s.password(() -> {
                    asked[0]++;
                    return ("rotated-" + asked[0]).toCharArray();
                })).storage("local").build();
        assertThat(new String(config.service("a").password().get())).isEqualTo("rotated-1");
        assertThat(new String(config.service("a").password().get())).isEqualTo("rotated-2");
    }

    @Test
    void theEnvironmentTurnsAgeOnWithRecipientsFromTheVariableAndTheFile() throws Exception {
        String alice = new com.exceptionfactory.jagged.x25519.X25519KeyPairGenerator().generateKeyPair().getPublic()
                .toString();
        String bob = new com.exceptionfactory.jagged.x25519.X25519KeyPairGenerator().generateKeyPair().getPublic()
                .toString();
        Path file = java.nio.file.Files.writeString(root.resolve("recipients"), "# team\n" + bob + "\n");
        Configuration config = Configuration.from(java.util.Map.of("DATABASE_LIST", "a", "BACKUP_ROOT",
                root.toString(), "BACKUP_ENCRYPTION", "age", "AGE_RECIPIENTS", alice, "AGE_RECIPIENTS_FILE",
                file.toString()), List.of(LOCAL));
        assertThat(config.encryption().encryptsNewArchives()).isTrue();
        assertThat(config.encryption().recipients()).containsExactly(alice, bob);
        assertThat(config.describe()).contains("BACKUP_ENCRYPTION=age").contains("AGE_RECIPIENTS=" + alice);

        assertThatThrownBy(() -> Configuration.from(java.util.Map.of("DATABASE_LIST", "a", "BACKUP_ENCRYPTION",
                "gpg"), List.of(LOCAL))).isInstanceOf(ConfigurationException.class)
                .hasMessage("Invalid value for BACKUP_ENCRYPTION (should be none or age): gpg");
        assertThat(Configuration.from(java.util.Map.of("DATABASE_LIST", "a"), List.of(LOCAL)).encryption()
                .encryptsNewArchives()).isFalse();
    }
}
