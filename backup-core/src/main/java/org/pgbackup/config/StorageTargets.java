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
import java.util.regex.Pattern;
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
            String item = entry.getKey().trim().toLowerCase(Locale.ROOT);
            int colon = item.indexOf(':');
            String providerId = colon < 0 ? item : item.substring(0, colon);
            Optional<String> instance = colon < 0 ? Optional.empty() : Optional.of(item.substring(colon + 1));
            Optional<StorageProvider> provider = providers.find(providerId);
            if (provider.isEmpty()) {
                problems.add("Unknown destination '" + providerId + "' in " + target + ": known destinations are "
                        + String.join(", ", providers.ids()));
                continue;
            }
            if (instance.isPresent() && !INSTANCE.matcher(instance.get()).matches()) {
                problems.add("Invalid destination name '" + instance.get() + "' in " + target + ": " + item
                        + ": after the colon, a name of lower-case letters, digits and hyphens, such as "
                        + providerId + ":offsite");
                continue;
            }
            if (instance.isPresent() && provider.get().settings().isEmpty()) {
                problems.add("Destination '" + item + "' in " + target + ": " + providerId + " has no settings of"
                        + " its own, so a second instance of it would be the same destination");
                continue;
            }
            String id = provider.get().id() + instance.map(n -> ":" + n).orElse("");
            if (targets.containsKey(id)) {
                problems.add("Invalid value for " + target + ": '" + item + "' names a destination already listed: "
                        + all);
                continue;
            }
            Map<String, String> own = instance.isEmpty()
                    ? ownSettings(provider.get(), entry.getValue(), serviceVariables, namedPrefixes(asked))
                    : instanceSettings(provider.get(), instance.get(), entry.getValue(), serviceVariables, in);
            StorageTarget made = new StorageTarget(id, provider.get(), own);
            provider.get().validate(own).forEach(problem -> problems.add(instance.isEmpty() ? problem
                    : "Destination " + id + ": " + made.inVariables(problem)));
            targets.put(id, made);
        }
        return targets;
    }

    private static final Pattern INSTANCE = Pattern.compile("[a-z0-9][a-z0-9-]*");

    /** The prefixes of the named instances asked for, such as {@code S3_OFFSITE_}: the unnamed instance leaves them alone. */
    private Set<String> namedPrefixes(List<Map.Entry<String, Map<String, String>>> asked) {
        Set<String> prefixes = new HashSet<>();
        for (Map.Entry<String, Map<String, String>> entry : asked) {
            String item = entry.getKey().trim().toLowerCase(Locale.ROOT);
            int colon = item.indexOf(':');
            if (colon > 0) {
                providers.find(item.substring(0, colon)).ifPresent(p -> prefixes.add(p.settingsPrefix()
                        + StorageProvider.settingsPrefix(item.substring(colon + 1))));
            }
        }
        return prefixes;
    }

    /**
     * A named instance's settings, under the provider's own names: {@code S3_OFFSITE_BUCKET}
     * becomes {@code S3_BUCKET}. Nothing falls back to the unnamed instance's variables, so
     * every setting the provider requires is asked for under the instance's prefix. Through
     * the builder, whose settings are the destination's own, the provider's names serve too.
     */
    static Map<String, String> instanceSettings(StorageProvider provider, String instance, Map<String, String> settings,
            Set<String> serviceVariables, ConfigurationSource in) {
        String prefix = provider.settingsPrefix();
        String named = prefix + StorageProvider.settingsPrefix(instance);
        Map<String, String> renamed = new TreeMap<>();
        if (in == ConfigurationSource.BUILDER) {
            renamed.putAll(ownSettings(provider, settings, serviceVariables, Set.of(named)));
        }
        Map<String, String> mine = new TreeMap<>();
        settings.forEach((name, value) -> {
            if (name.startsWith(named)) {
                mine.put(prefix + name.substring(named.length()), value);
            } else if (StorageProvider.COMMON_SETTINGS.contains(name)) {
                mine.put(name, value);
            }
        });
        renamed.putAll(ownSettings(provider, mine, serviceVariables, Set.of()));
        return renamed;
    }


    /** What a provider may see of the given settings. */
    static Map<String, String> ownSettings(StorageProvider provider, Map<String, String> settings,
            Set<String> serviceVariables, Set<String> namedPrefixes) {
        String prefix = provider.settingsPrefix();
        Map<String, String> own = new TreeMap<>();
        settings.forEach((name, value) -> {
            boolean mine = name.startsWith(prefix) && namedPrefixes.stream().noneMatch(name::startsWith)
                    || StorageProvider.COMMON_SETTINGS.contains(name);
            // A service's passwords never reach a plugin, listed or not.
            boolean database = serviceVariables.contains(name) || name.endsWith("POSTGRES_PASSWORD")
                    || name.endsWith("DRILL_PASSWORD") || name.endsWith("REPLICATION_PASSWORD");
            if (mine && !database && value != null) {
                own.put(name, value);
            }
        });
        return own;
    }
}
