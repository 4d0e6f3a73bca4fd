package org.pgbackup.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.pgbackup.spi.Settings;

/** Reads one service's {@code <PREFIX>_*} variables into its builder. */
final class ServiceReader {
    private final Map<String, String> env;
    private final Settings variables;
    private final String prefix;

    ServiceReader(Map<String, String> env, Settings variables, String prefix) {
        this.env = env;
        this.variables = variables;
        this.prefix = prefix;
    }

    void read(ServiceSettings.Builder details) {
        port("POSTGRES_PORT").ifPresent(details::port);
        variables.text(prefix + "PGDATA").ifPresent(text -> {
            try {
                details.dataDirectory(Path.of(text));
            } catch (InvalidPathException e) {
                variables.invalid(prefix + "PGDATA", "a directory path", text);
            }
        });
        password("POSTGRES_PASSWORD").ifPresent(details::password);
        variables.text(prefix + "POSTGRES_HOST").ifPresent(details::host);
        variables.text(prefix + "POSTGRES_USER").ifPresent(details::user);
        variables.text(prefix + "POSTGRES_DB").ifPresent(details::database);
        details.excludeDatabases(list("EXCLUDE_DATABASES"));
        details.tables(new TableSelection(list("EXCLUDE_TABLES"), list("EXCLUDE_TABLE_DATA"), list("SCHEMAS")));
        variables.url(prefix + "HEALTHCHECK_PING_URL").ifPresent(details::healthcheckPing);
        details.drillServer(variables.text(prefix + "DRILL_HOST").orElse(null), port("DRILL_PORT").orElse(null),
                variables.text(prefix + "DRILL_USER").orElse(null),
                password("DRILL_PASSWORD").<Supplier<char[]>>map(p -> p::clone).orElse(null));
        variables.text(prefix + "DRILL_SQL").ifPresent(details::drillCheck);
        details.pitr(variables.bool(prefix + "PITR", false));
        variables.text(prefix + "REPLICATION_USER").ifPresent(user -> details.replicationRole(user,
                password("REPLICATION_PASSWORD").<Supplier<char[]>>map(p -> p::clone).orElse(null)));
    }

    private List<String> list(String name) {
        return variables.text(prefix + name).map(TableSelection::parseList).orElse(List.of());
    }

    private Optional<Integer> port(String name) {
        if (variables.text(prefix + name).isEmpty()) {
            return Optional.empty();
        }
        long port = variables.whole(prefix + name, -1, 1, 65535, "a port from 1 to 65535");
        return port < 0 ? Optional.empty() : Optional.of((int) port);
    }

    /** A password as given, spaces included: it is not ours to trim. */
    private Optional<char[]> password(String name) {
        String password = env.get(prefix + name);
        return password == null || password.isEmpty() ? Optional.empty() : Optional.of(password.toCharArray());
    }
}
