package org.pgbackup.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pgbackup.controller.BackupController;
import org.pgbackup.spi.Storage;
import org.pgbackup.spi.StorageContext;
import org.pgbackup.spi.StorageProvider;

/** A storage plugin sees its own settings and nothing else: no password, no other plugin's secret. */
class ProviderSettingsIsolationTest {
    /** Records every map the controller hands it. */
    private static final class RecordingProvider implements StorageProvider {
        final String id;
        final List<Map<String, String>> seen = new ArrayList<>();

        RecordingProvider(String id) {
            this.id = id;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public List<String> validate(Map<String, String> settings) {
            seen.add(Map.copyOf(settings));
            return List.of();
        }

        @Override
        public Storage create(StorageContext context) {
            seen.add(context.settings());
            return new Storage() {
                @Override
                public String describe() {
                    return id;
                }

                @Override
                public org.pgbackup.spi.PendingObject create(String service, String name) {
                    throw new UnsupportedOperationException();
                }

                @Override
                public java.io.InputStream open(String service, String name) {
                    throw new UnsupportedOperationException();
                }

                @Override
                public List<org.pgbackup.spi.StoredObject> list(String service) {
                    return List.of();
                }

                @Override
                public void delete(String service, String name) {
                }
            };
        }
    }

    @TempDir
    Path root;

    @Test
    void eachProviderReceivesOnlyItsPrefixedSettingsEvenWhenAServiceSharesThePrefix() {
        RecordingProvider copy = new RecordingProvider("copy-dir");
        RecordingProvider vault = new RecordingProvider("vault");
        Map<String, String> env = new HashMap<>(Map.of("DATABASE_LIST", "users,copy-dir", "BACKUP_TARGET",
                "copy-dir,vault", "BACKUP_ROOT", root.toString(), "USERS_POSTGRES_PASSWORD", "db-secret-1",
                // A service named like the plugin: its variables share the plugin's prefix.
                "COPY_DIR_POSTGRES_PASSWORD", "db-secret-2", "COPY_DIR_POSTGRES_USER", "bob",
                "COPY_DIR_TARGET", "/mnt/second", "VAULT_TOKEN", "vault-secret-3", "S3_SECRET_ACCESS_KEY",
                "s3-secret-4", "TZ", "UTC"));
        env.put("COPY_DIR_PGDATA", "/var/lib/x");
        env.put("NOTIFY_WEBHOOK_URL", "https://hooks.example/T0K3N");
        // The service's drill server, ping and table selection share the prefix too.
        env.put("COPY_DIR_DRILL_PASSWORD", "drill-secret-5");
        env.put("COPY_DIR_DRILL_USER", "bob");
        env.put("COPY_DIR_HEALTHCHECK_PING_URL", "https://hc.example/P1NG");
        env.put("COPY_DIR_EXCLUDE_TABLES", "audit_*");
        env.put("COPY_DIR_SPARE_DRILL_PASSWORD", "drill-secret-6");

        Configuration config = Configuration.from(env, List.of(copy, vault));
        try (BackupController client = BackupController.open(config)) {
            assertThat(client.configuration().targets()).containsExactly("copy-dir", "vault");
        }

        assertThat(copy.seen).hasSize(2).allSatisfy(settings -> assertThat(settings)
                .isEqualTo(Map.of("COPY_DIR_TARGET", "/mnt/second", "TZ", "UTC")));
        assertThat(vault.seen).hasSize(2).allSatisfy(settings -> assertThat(settings)
                .isEqualTo(Map.of("VAULT_TOKEN", "vault-secret-3", "TZ", "UTC")));
        for (RecordingProvider provider : List.of(copy, vault)) {
            assertThat(provider.seen.toString()).doesNotContain("db-secret", "s3-secret", "T0K3N", "bob",
                    "drill-secret", "P1NG", "audit");
        }
    }

    @Test
    void settingsGivenInCodeAreFilteredTheSameWay() {
        RecordingProvider vault = new RecordingProvider("vault");
        try (BackupController client = new ConfigurationBuilder().backupRoot(root)
                .service("vault", s -> s.password("db-secret".toCharArray()))
                .storageProviders(List.of(vault))
                .storage("vault", Map.of("VAULT_TOKEN", "t", "VAULT_POSTGRES_PASSWORD", "db-secret",
                        "OTHER_KEY", "o"))
                .load()) {
            assertThat(client.configuration().service("vault").user()).isEqualTo("postgres");
        }
        assertThat(vault.seen).hasSize(2).allSatisfy(settings -> assertThat(settings.keySet())
                .isEqualTo(Set.of("VAULT_TOKEN")));
    }
}
