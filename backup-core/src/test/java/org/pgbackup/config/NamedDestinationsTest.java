package org.pgbackup.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.pgbackup.error.ConfigurationException;
import org.pgbackup.retention.RetentionPolicy;
import org.pgbackup.spi.Storage;
import org.pgbackup.spi.StorageContext;
import org.pgbackup.spi.StorageProvider;

/**
 * Named instances of one provider ({@code BACKUP_TARGET=local,bucket,bucket:offsite}): each
 * gets its own settings under its own prefix, renamed to the provider's names, with no
 * fallback to the unnamed instance's, and its own retention; the provider has no code for it.
 */
class NamedDestinationsTest {
    /** A provider as third parties write them: its settings, one secret, one required. */
    private static final class BucketProvider implements StorageProvider {
        final List<Map<String, String>> seen = new ArrayList<>();

        @Override
        public String id() {
            return "bucket";
        }

        @Override
        public Set<String> settings() {
            return Set.of("BUCKET_NAME", "BUCKET_SECRET");
        }

        @Override
        public Set<String> secretSettings() {
            return Set.of("BUCKET_SECRET");
        }

        @Override
        public List<String> validate(Map<String, String> settings) {
            seen.add(Map.copyOf(settings));
            return settings.containsKey("BUCKET_NAME") ? List.of() : List.of("BUCKET_NAME is required: set it");
        }

        @Override
        public Storage create(StorageContext context) {
            throw new UnsupportedOperationException();
        }
    }

    private final BucketProvider bucket = new BucketProvider();

    private Configuration read(String... pairs) {
        Map<String, String> env = new HashMap<>(Map.of("DATABASE_LIST", "a"));
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return Configuration.from(env, List.of(ConfigurationBuilderTest.LOCAL, bucket));
    }

    @Test
    void eachInstanceGetsItsOwnSettingsUnderTheProvidersNamesAndItsOwnRetention() {
        Configuration config = read("BACKUP_TARGET", "local,bucket,bucket:offsite", "BUCKET_NAME", "near",
                "BUCKET_SECRET", "near-secret", "BUCKET_OFFSITE_NAME", "far", "BUCKET_OFFSITE_SECRET", "far-secret",
                "OFFSITE_RETENTION_DAILY_DAYS", "30", "RETENTION_WEEKLY_DAYS", "60", "TZ", "UTC");

        assertThat(config.targets()).containsExactly("local", "bucket", "bucket:offsite");
        assertThat(config.target("bucket").settings()).isEqualTo(Map.of("BUCKET_NAME", "near", "BUCKET_SECRET",
                "near-secret", "TZ", "UTC"));
        assertThat(config.target("bucket:offsite").settings()).isEqualTo(Map.of("BUCKET_NAME", "far",
                "BUCKET_SECRET", "far-secret", "TZ", "UTC"));
        assertThat(config.target("bucket:offsite").variable("BUCKET_NAME")).isEqualTo("BUCKET_OFFSITE_NAME");
        assertThat(config.retention("bucket:offsite")).isEqualTo(new RetentionPolicy(Duration.ofDays(30),
                Duration.ofDays(60), Duration.ofDays(365)));
        assertThat(config.retention("bucket")).isEqualTo(config.retention()).isEqualTo(new RetentionPolicy(
                Duration.ofDays(7), Duration.ofDays(60), Duration.ofDays(365)));
        assertThat(config.describe()).contains("BUCKET_OFFSITE_NAME=far", "BUCKET_OFFSITE_SECRET=****",
                "BUCKET_SECRET=****").doesNotContain("far-secret").doesNotContain("near-secret");
    }

    @Test
    void aNamedInstanceFallsBackToNothingAndItsProblemsNameItsOwnVariables() {
        assertThatThrownBy(() -> read("BACKUP_TARGET", "bucket,bucket:offsite", "BUCKET_NAME", "near"))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problems()).containsExactly(
                        "Destination bucket:offsite: BUCKET_OFFSITE_NAME is required: set it"));
        assertThat(bucket.seen).contains(Map.of());
    }

    @Test
    void badNamesAndInstancesOfProvidersWithoutSettingsAreRefused() {
        assertThatThrownBy(() -> read("BACKUP_TARGET", "local:second,bucket:Off_Site,bucket:x,bucket:x",
                "BUCKET_X_NAME", "x"))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problems()).containsExactly(
                        "Destination 'local:second' in BACKUP_TARGET: local has no settings of its own, so a second"
                                + " instance of it would be the same destination",
                        "Invalid destination name 'off_site' in BACKUP_TARGET: bucket:off_site: after the colon, a name"
                                + " of lower-case letters, digits and hyphens, such as bucket:offsite",
                        "Invalid value for BACKUP_TARGET: 'bucket:x' names a destination already listed:"
                                + " local:second,bucket:Off_Site,bucket:x,bucket:x"));
    }

    @Test
    void theBuilderTakesANamedDestinationsSettingsUnderTheProvidersOwnNames() {
        Configuration config = new ConfigurationBuilder().backupRoot(Path.of("/tmp/unused"))
                .service("a", s -> s.password("pw".toCharArray())).storageProviders(List.of(ConfigurationBuilderTest.LOCAL, bucket))
                .storage("local").storage("bucket:offsite", Map.of("BUCKET_NAME", "far"))
                .retention("bucket:offsite", new RetentionPolicy(Duration.ofDays(3), Duration.ofDays(3),
                        Duration.ofDays(3)))
                .build();

        assertThat(config.target("bucket:offsite").settings()).containsEntry("BUCKET_NAME", "far");
        assertThat(config.retention("bucket:offsite").daily()).isEqualTo(Duration.ofDays(3));
        assertThat(config.retention("local")).isEqualTo(RetentionPolicy.DEFAULT);
    }
}
