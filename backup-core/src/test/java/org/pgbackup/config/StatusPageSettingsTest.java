package org.pgbackup.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.pgbackup.error.ConfigurationException;
import org.pgbackup.spi.StorageProvider;

/** {@code HTTP_PORT}, {@code HTTP_ADDRESS} and the tokens of the status page. */
class StatusPageSettingsTest {
    private static final List<StorageProvider> PROVIDERS = List.of(new ConfigurationTest.IdOnlyProvider("local",
            Set.of("filesystem")));
    private static final String READ = "read-token-0123456789";
    private static final String ADMIN = "admin-token-0123456789";

    private static Configuration read(String... pairs) {
        Map<String, String> env = new HashMap<>(Map.of("DATABASE_LIST", "app"));
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return Configuration.from(env, PROVIDERS);
    }

    @Test
    void thePageIsOnTheMetricsPortUnlessHttpPortMovesItAndOffWithoutEither() {
        assertThat(read().statusPage()).isEmpty();
        assertThat(read("METRICS_PORT", "9187").statusPage()).contains(new StatusPageSettings(9187, "0.0.0.0",
                Optional.empty(), Optional.empty()));
        assertThat(read("METRICS_PORT", "9187", "HTTP_PORT", "8080", "HTTP_ADDRESS", "127.0.0.1", "HTTP_READ_TOKEN",
                READ, "HTTP_ADMIN_TOKEN", ADMIN).statusPage()).contains(new StatusPageSettings(8080, "127.0.0.1",
                        Optional.of(READ), Optional.of(ADMIN)));
    }

    @Test
    void tokensAreMaskedInTheLogAndInToString() {
        Configuration config = read("HTTP_PORT", "8080", "HTTP_READ_TOKEN", READ, "HTTP_ADMIN_TOKEN", ADMIN);
        assertThat(config.describe()).contains("HTTP_READ_TOKEN=****", "HTTP_ADMIN_TOKEN=****", "HTTP_PORT=8080")
                .doesNotContain(READ).doesNotContain(ADMIN);
        assertThat(config.statusPage().orElseThrow().toString()).doesNotContain(READ).doesNotContain(ADMIN);
    }

    @Test
    void aShortTokenAndTokensWithNowhereToServeAreRefusedWithoutShowingThem() {
        assertThatThrownBy(() -> read("HTTP_PORT", "8080", "HTTP_READ_TOKEN", "short-secret"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("HTTP_READ_TOKEN")
                .hasMessageContaining("at least 16 characters").hasMessageNotContaining("short-secret");
        assertThatThrownBy(() -> read("HTTP_ADMIN_TOKEN", ADMIN)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("HTTP_ADMIN_TOKEN").hasMessageContaining("HTTP_PORT or METRICS_PORT")
                .hasMessageNotContaining(ADMIN);
        assertThatThrownBy(() -> read("HTTP_PORT", "99999")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("HTTP_PORT");
    }
}
