package org.pgbackup.config;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** The services' names and ports, checked together: names must be usable as directories and prefixes. */
final class ServiceChecks {
    private static final Pattern SERVICE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]*");

    private ServiceChecks() {
    }

    static Map<String, ServiceSettings> check(List<String> serviceNames,
            Map<String, ServiceSettings.Builder> serviceDetails, Path dbRoot, ConfigurationSource in,
            List<String> found) {
        if (serviceNames.isEmpty()) {
            found.add(in.either("DATABASE_LIST is empty: set it to a comma-separated list of services, such as"
                    + " DATABASE_LIST=users,orders", "No service is configured: add one with service(\"users\","
                    + " s -> s.host(...).password(...))"));
        }
        String list = in.either("DATABASE_LIST", "service(name, ...)");
        Map<String, ServiceSettings> checked = new LinkedHashMap<>();
        Map<String, String> byPrefix = new LinkedHashMap<>();
        for (String name : serviceNames) {
            if (!SERVICE_NAME.matcher(name).matches()) {
                found.add("Invalid service '" + name + "' in " + list + ": a service is letters, digits, '-' and"
                        + " '_', starting with a letter or digit");
                continue;
            }
            String prefix = EnvironmentVariables.envPrefix(name);
            String earlier = byPrefix.putIfAbsent(prefix, name);
            if (earlier != null) {
                found.add(earlier.equals(name)
                        ? "Invalid value for " + list + ": service '" + name + "' is listed twice"
                        : "Invalid value for " + list + ": services '" + earlier + "' and '" + name
                                + "' both " + in.either("read variables " + prefix + "POSTGRES_*",
                                        "have the settings prefix " + prefix) + "; rename one");
                continue;
            }
            ServiceSettings.Builder details = serviceDetails.get(name);
            if (details.port() < 1 || details.port() > 65535) {
                found.add("Invalid value for " + in.serviceSetting(name, "POSTGRES_PORT", "port")
                        + " (should be a port from 1 to 65535): " + details.port());
            }
            Integer drillPort = details.drillPort();
            if (drillPort != null && (drillPort < 1 || drillPort > 65535)) {
                found.add("Invalid value for " + in.serviceSetting(name, "DRILL_PORT", "drillServer")
                        + " (should be a port from 1 to 65535): " + drillPort);
            }
            if (!details.excludeDatabases().isEmpty()
                    && !ServiceSettings.EVERY_DATABASE.equals(details.database())) {
                String exclude = in.serviceSetting(name, "EXCLUDE_DATABASES", "excludeDatabases");
                String database = in.serviceSetting(name, "POSTGRES_DB", "database");
                found.add(exclude + " is set but " + database + " is '" + details.database() + "', one database: set "
                        + in.either(prefix + "POSTGRES_DB=*", "database(\"*\")") + " to back up every database of"
                        + " the server, or " + in.either("unset " + exclude, "leave excludeDatabases out"));
            }
            checked.put(name, details.build(name, dbRoot, in));
        }
        return checked;
    }
}
