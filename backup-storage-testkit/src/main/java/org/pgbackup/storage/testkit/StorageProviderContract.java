package org.pgbackup.storage.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pgbackup.spi.Storage;
import org.pgbackup.spi.StorageContext;
import org.pgbackup.spi.StorageProvider;

/**
 * Checks at the provider level, for every {@link StorageProvider}: that the controller finds
 * it, that its ids and settings follow the rules of the SPI, that its problems name their
 * variables and never show a secret, and that a storage it creates describes itself
 * without secrets. A provider's test extends this class; a storage's behaviour is
 * {@link StorageContract}'s business.
 */
public abstract class StorageProviderContract {
    private static final Pattern ID = Pattern.compile("[a-z][a-z0-9-]*");
    private static final String SECRET = "SECRET-SENTINEL-";

    @TempDir
    Path localRoot;

    /** The provider under test. */
    protected abstract StorageProvider provider();

    /**
     * Settings the provider accepts: {@link StorageProvider#validate} finds no problem in them
     * and {@link StorageProvider#create} works with them without contacting anything.
     */
    protected abstract Map<String, String> validSettings();

    /**
     * A storage of {@code provider} with these settings, as the controller makes one: the
     * settings validated first (a problem throws {@link IllegalArgumentException} naming
     * them), then {@link StorageProvider#create} with a context like the controller's. For
     * fixtures that hand a test storages of a network store under several settings.
     */
    public static Storage storageOf(StorageProvider provider, Map<String, String> settings) {
        List<String> problems = provider.validate(settings);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        return provider.create(new StorageContext(settings, java.nio.file.Path.of("/nonexistent"),
                PosixFilePermissions.fromString("rw-------"), PosixFilePermissions.fromString("rwx------")));
    }

    /** A context as the controller gives it, with these settings. */
    protected StorageContext context(Map<String, String> settings) {
        return new StorageContext(settings, localRoot, PosixFilePermissions.fromString("rw-------"),
                PosixFilePermissions.fromString("rwx------"));
    }

    @Test
    void isFoundByServiceLoaderAndNoOtherProviderClaimsItsIds() {
        List<StorageProvider> installed = ServiceLoader.load(StorageProvider.class).stream()
                .map(ServiceLoader.Provider::get).toList();
        assertThat(installed).as("providers listed in META-INF/services/org.pgbackup.spi.StorageProvider")
                .anySatisfy(p -> assertThat(p).isInstanceOf(provider().getClass()));
        List<String> mine = ids(provider());
        for (StorageProvider other : installed) {
            if (other.getClass() != provider().getClass()) {
                assertThat(ids(other)).as("ids of " + other.getClass().getName()).doesNotContainAnyElementsOf(mine);
            }
        }
    }

    @Test
    void idAndAliasesAreLowerCaseWords() {
        assertThat(ids(provider())).allSatisfy(id -> assertThat(id).matches(ID));
    }

    @Test
    void everySettingIsUnderTheProvidersPrefixAndSecretsAreAmongThem() {
        String prefix = provider().settingsPrefix();
        assertThat(provider().settings()).allSatisfy(name -> assertThat(
                name.startsWith(prefix) || StorageProvider.COMMON_SETTINGS.contains(name))
                .as(name + " starts with " + prefix).isTrue());
        assertThat(provider().settings()).containsAll(provider().secretSettings());
        assertThat(validSettings().keySet()).allSatisfy(name -> assertThat(provider().settings()).contains(name));
    }

    @Test
    void validSettingsHaveNoProblems() {
        assertThat(provider().validate(validSettings())).isEmpty();
    }

    @Test
    void problemsNameTheirVariableAndNeverShowASecret() {
        Map<String, String> bad = new HashMap<>();
        for (String name : provider().settings()) {
            bad.put(name, provider().secretSettings().contains(name) ? SECRET + name : "\u00a7 not valid \u00a7");
        }
        for (Map<String, String> settings : List.of(bad, Map.<String, String>of())) {
            assertThat(provider().validate(settings)).allSatisfy(problem -> {
                assertThat(problem).doesNotContain(SECRET).doesNotContain("\n");
                assertThat(provider().settings()).anySatisfy(name -> assertThat(problem).contains(name));
            });
        }
    }

    @Test
    void aCreatedStorageDescribesItselfWithoutSecrets() throws Exception {
        Map<String, String> settings = new HashMap<>(validSettings());
        try (Storage storage = provider().create(context(settings))) {
            assertThat(storage.describe()).isNotBlank();
            for (String secret : provider().secretSettings()) {
                if (settings.containsKey(secret)) {
                    assertThat(storage.describe()).doesNotContain(settings.get(secret));
                }
            }
        }
    }

    private static List<String> ids(StorageProvider provider) {
        return Stream.concat(Stream.of(provider.id()), provider.aliases().stream()).toList();
    }
}
