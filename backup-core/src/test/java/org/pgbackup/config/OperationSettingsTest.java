package org.pgbackup.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.pgbackup.error.ConfigurationException;

/** The settings of drills, hooks, table selection and per-service pings, read from the environment. */
class OperationSettingsTest {

    private static Configuration read(Map<String, String> env) {
        return Configuration.from(env, List.of(new ConfigurationTest.IdOnlyProvider("local", Set.of())));
    }

    private static Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>(Map.of("DATABASE_LIST", "shop", "BACKUP_ROOT", "/tmp/x"));
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    @Test
    void withNothingSetTheWholeDatabaseIsDumpedAndDrilledOnItsOwnServer() {
        Configuration config = read(env("SHOP_POSTGRES_HOST", "db", "SHOP_POSTGRES_PORT", "5433",
                "SHOP_POSTGRES_USER", "app", "SHOP_POSTGRES_PASSWORD", "app-pw"));
        ServiceSettings shop = config.service("shop");

        assertThat(shop.tables().partial()).isFalse();
        assertThat(shop.tables().pgDumpOptions()).isEmpty();
        assertThat(shop.healthcheckPing()).isEmpty();
        assertThat(shop.drill().address()).isEqualTo("db:5433");
        assertThat(shop.drill().user()).isEqualTo("app");
        assertThat(new String(shop.drill().password().get())).isEqualTo("app-pw");
        assertThat(shop.drill().check()).isEmpty();
        assertThat(config.drills()).isEqualTo(DrillPolicy.defaults());
        assertThat(config.hooks().directory()).contains(Path.of("backup-data/hooks"));
        assertThat(config.hooks().timeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(read(env("MODE", "production")).hooks().directory()).contains(Path.of("/hooks"));
    }

    @Test
    void selectionsAreTrimmedCommaListsOnePatternPerArgument() {
        ServiceSettings shop = read(env("SHOP_EXCLUDE_TABLES", " audit_* , a; rm -rf / ,",
                "SHOP_EXCLUDE_TABLE_DATA", "public.cache", "SHOP_SCHEMAS", "app,\"Mixed Case\"")).service("shop");

        assertThat(shop.tables()).isEqualTo(new TableSelection(List.of("audit_*", "a; rm -rf /"),
                List.of("public.cache"), List.of("app", "\"Mixed Case\"")));
        assertThat(shop.tables().pgDumpOptions()).containsExactly("--schema=app", "--schema=\"Mixed Case\"",
                "--exclude-table=audit_*", "--exclude-table=a; rm -rf /", "--exclude-table-data=public.cache");
        assertThat(shop.tables().describe()).isEqualTo("schemas=app,\"Mixed Case\"; without tables=audit_*,a; rm -rf /;"
                + " without data of=public.cache");
    }

    @Test
    void drillServerPingAndScheduleAreRead() {
        Configuration config = read(env("SHOP_DRILL_HOST", "scratch-db", "SHOP_DRILL_PORT", "6432",
                "SHOP_DRILL_USER", "drill", "SHOP_DRILL_PASSWORD", "drill-pw", "SHOP_DRILL_SQL", "SELECT true",
                "SHOP_HEALTHCHECK_PING_URL", "https://hc.example/abc", "DRILL_SCHEDULE", "30 4 * * 0",
                "DRILL_MAX_AGE", "8d", "DRILL_COUNT_ROWS", "false", "HOOKS_DIR", "/etc/hooks", "HOOK_TIMEOUT", "90s"));
        ServiceSettings shop = config.service("shop");

        assertThat(shop.drill().address()).isEqualTo("scratch-db:6432");
        assertThat(shop.drill().user()).isEqualTo("drill");
        assertThat(new String(shop.drill().password().get())).isEqualTo("drill-pw");
        assertThat(shop.drill().check()).contains("SELECT true");
        assertThat(shop.healthcheckPing()).contains(URI.create("https://hc.example/abc"));
        assertThat(config.drills().schedule()).isPresent();
        assertThat(config.drills().maxAge()).contains(Duration.ofDays(8));
        assertThat(config.drills().countRows()).isFalse();
        assertThat(config.hooks()).isEqualTo(new HookSettings(Optional.of(Path.of("/etc/hooks")),
                Duration.ofSeconds(90)));
        assertThat(shop.toString()).doesNotContain("drill-pw").doesNotContain("hc.example");
        assertThat(config.describe()).doesNotContain("drill-pw").doesNotContain("hc.example")
                .contains("SHOP_DRILL_PASSWORD=****");
    }

    @Test
    void badValuesAreReportedTogether() {
        assertThatThrownBy(() -> read(env("SHOP_DRILL_PORT", "0", "SHOP_HEALTHCHECK_PING_URL",
                "ftp://secret-token@x", "DRILL_SCHEDULE", "every sunday", "DRILL_MAX_AGE", "-1", "DRILL_COUNT_ROWS",
                "maybe", "HOOK_TIMEOUT", "forever")))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problems()).containsExactly(
                        "Invalid value for DRILL_SCHEDULE (should be a cron expression such as '30 4 * * 0'):"
                                + " every sunday",
                        "Invalid value for DRILL_MAX_AGE (should be a positive duration such as 8d, 26h or 3600): -1",
                        "Invalid value for DRILL_COUNT_ROWS (should be true or false): maybe",
                        "Invalid value for HOOK_TIMEOUT (should be a positive duration such as 5m or 300): forever",
                        "Invalid value for SHOP_HEALTHCHECK_PING_URL (should be an http:// or https:// URL)",
                        "Invalid value for SHOP_DRILL_PORT (should be a port from 1 to 65535): 0"))
                .hasMessageNotContaining("secret-token");
    }

    @Test
    void pointInTimeRecoveryIsOffByDefaultAndItsSettingsAreRead() {
        Configuration defaults = read(env("SHOP_POSTGRES_USER", "app", "SHOP_POSTGRES_PASSWORD", "app-pw"));
        assertThat(defaults.service("shop").pitr().enabled()).isFalse();
        assertThat(defaults.pitrServices()).isEmpty();
        assertThat(defaults.pitr().baseBackups().expression()).isEqualTo("0 1 * * *");
        assertThat(defaults.pitr().window()).isEqualTo(Duration.ofDays(7));
        assertThat(defaults.pitr().maxLag()).isEqualTo(Duration.ofMinutes(5));
        assertThat(defaults.pitr().partialEvery()).isEqualTo(Duration.ofSeconds(60));
        assertThat(defaults.service("shop").asReplicationRole().user()).isEqualTo("app");

        Configuration config = read(env("SHOP_POSTGRES_USER", "app", "SHOP_POSTGRES_PASSWORD", "app-pw", "SHOP_PITR",
                "true", "SHOP_REPLICATION_USER", "streamer", "SHOP_REPLICATION_PASSWORD", "stream-pw",
                "BASE_BACKUP_SCHEDULE", "0 2 * * 0", "PITR_RETENTION_DAYS", "14", "WAL_MAX_LAG", "10m",
                "WAL_PARTIAL_SECONDS", "15"));
        ServiceSettings shop = config.service("shop");
        assertThat(config.pitrServices()).containsExactly("shop");
        assertThat(shop.user()).isEqualTo("app");
        assertThat(shop.asReplicationRole().user()).isEqualTo("streamer");
        assertThat(new String(shop.asReplicationRole().password().get())).isEqualTo("stream-pw");
        assertThat(config.pitr().baseBackups().expression()).isEqualTo("0 2 * * 0");
        assertThat(config.pitr().window()).isEqualTo(Duration.ofDays(14));
        assertThat(config.pitr().maxLag()).isEqualTo(Duration.ofMinutes(10));
        assertThat(config.pitr().partialEvery()).isEqualTo(Duration.ofSeconds(15));
        assertThat(shop.toString()).doesNotContain("stream-pw");
        assertThat(config.describe()).doesNotContain("stream-pw").contains("SHOP_REPLICATION_PASSWORD=****");
    }

    @Test
    void badPointInTimeRecoverySettingsAreReportedTogether() {
        assertThatThrownBy(() -> read(env("SHOP_PITR", "yes please", "BASE_BACKUP_SCHEDULE", "nightly",
                "PITR_RETENTION_DAYS", "0", "WAL_MAX_LAG", "soon", "WAL_PARTIAL_SECONDS", "0")))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problems()).contains(
                        "Invalid value for BASE_BACKUP_SCHEDULE (should be a cron expression such as '0 1 * * *'):"
                                + " nightly",
                        "Invalid value for WAL_MAX_LAG (should be a positive duration such as 1d, 26h, 90m or 3600):"
                                + " soon",
                        "Invalid value for SHOP_PITR (should be true or false): yes please")
                        .anySatisfy(p -> assertThat(p).startsWith("Invalid value for PITR_RETENTION_DAYS"))
                        .anySatisfy(p -> assertThat(p).startsWith("Invalid value for WAL_PARTIAL_SECONDS")));
    }
}
