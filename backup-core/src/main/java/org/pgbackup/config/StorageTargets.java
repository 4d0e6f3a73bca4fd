package org.pgbackup.config;

import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.pgbackup.internal.storage.StorageProviders;
import org.pgbackup.spi.StorageProvider;

/**
 * Resolves the destinations asked for to providers, and hands each provider its own
 * settings only: the names under its prefix and the common ones, never a service's
 * variables, even when a service's name gives them the same prefix.
 */
final class StorageTargets {
    private final StorageProviders providers;

    StorageTargets(StorageProviders providers) {
        this.providers = providers;
    }

    Map<String, StorageTarget> check(List<Map.Entry<String, Map<String, String>>> asked,
            Collection<ServiceSettings> services, ConfigurationSource in, List<String> problems) {
        String target = in.either("BACKUP_TARGET", "storage(id)");
        if (asked.isEmpty()) {
            problems.add(in.either("BACKUP_TARGET is empty", "No destination was given: call storage(id)")
                    + ": name at least one destination, such as local or s3");
        }
        Set<String> serviceVariables = new HashSet<>();
        services.forEach(s -> EnvironmentVariables.SERVICE_VARIABLES.forEach(v -> serviceVariables.add(s.envPrefix() + v)));
        String all = asked.stream().map(Map.Entry::getKey).collect(Collectors.joining(","));
        Map<String, StorageTarget> targets = new LinkedHashMap<>();
        for (Map.Entry<String, Map<String, String>> entry : asked) {
            String id = entry.getKey().trim().toLowerCase(Locale.ROOT);
            Optional<StorageProvider> provider = providers.find(id);
            if (provider.isEmpty()) {
                problems.add("Unknown destination '" + id + "' in " + target + ": known destinations are "
                        + String.join(", ", providers.ids()));
                continue;
            }
            if (targets.containsKey(provider.get().id())) {
                problems.add("Invalid value for " + target + ": '" + id + "' names a destination already listed: "
                        + all);
                continue;
            }
            Map<String, String> own = ownSettings(provider.get(), entry.getValue(), serviceVariables);
            problems.addAll(provider.get().validate(own));
            targets.put(provider.get().id(), new StorageTarget(provider.get().id(), provider.get(), own));
        }
        return targets;
    }

    /** What a provider may see of the given settings. */
    static Map<String, String> ownSettings(StorageProvider provider, Map<String, String> settings,
            Set<String> serviceVariables) {
        String prefix = provider.settingsPrefix();
        Map<String, String> own = new TreeMap<>();
        settings.forEach((name, value) -> {
            boolean mine = name.startsWith(prefix) || StorageProvider.COMMON_SETTINGS.contains(name);
            // A service's passwords never reach a plugin, listed or not.
            boolean database = serviceVariables.contains(name) || name.endsWith("POSTGRES_PASSWORD")
                    || name.endsWith("DRILL_PASSWORD");
            if (mine && !database && value != null) {
                own.put(name, value);
            }
        });
        return own;
    }
}
