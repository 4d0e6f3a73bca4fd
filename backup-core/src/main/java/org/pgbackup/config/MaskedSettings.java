package org.pgbackup.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A configuration as {@code NAME=value} pairs for a log, secrets masked. Read from the
 * environment, it shows the variables the configuration reads; built in code, it shows
 * the same names from the typed values.
 */
final class MaskedSettings {
    private static final String MASK = "****";

    private MaskedSettings() {
    }

    static String describe(Configuration config, Map<String, String> variables) {
        Set<String> secret = new HashSet<>();
        Set<String> known = new HashSet<>(EnvironmentVariables.VARIABLES);
        for (String id : config.targets()) {
            StorageTarget target = config.target(id);
            // A named destination's variables are its provider's under the destination's prefix.
            target.provider().secretSettings().forEach(name -> secret.add(target.variable(name)));
            target.provider().settings().forEach(name -> known.add(target.variable(name)));
            target.settings().keySet().forEach(name -> known.add(target.variable(name)));
        }
        config.services().forEach(s -> EnvironmentVariables.SERVICE_VARIABLES.forEach(v -> known.add(s.envPrefix() + v)));
        Map<String, String> shown = new TreeMap<>();
        if (variables.isEmpty()) {
            shown.put("DATABASE_LIST", String.join(",", config.serviceNames()));
            shown.put("BACKUP_TARGET", String.join(",", config.targets()));
            shown.put("BACKUP_ROOT", config.backupRoot().toString());
            shown.put("BACKUP_COMPRESSION", config.compression().toString());
            shown.put("BACKUP_PARALLELISM", Integer.toString(config.parallelism()));
            config.targets().forEach(id -> config.target(id).settings().forEach((name, value) -> shown.put(
                    config.target(id).variable(name), value)));
        } else {
            variables.forEach((name, value) -> {
                if (known.contains(name)) {
                    shown.put(name, value);
                }
            });
        }
        List<String> pairs = new ArrayList<>();
        shown.forEach((name, value) -> {
            // Webhook, ping and channel URLs carry tokens and passwords.
            boolean masked = secret.contains(name) || name.endsWith("PASSWORD") || name.endsWith("_URL")
                    || name.endsWith("_URLS") || name.endsWith("_TOKEN");
            pairs.add(name + "=" + (masked ? MASK : value));
        });
        return String.join(" ", pairs);
    }
}
