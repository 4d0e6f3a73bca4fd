package org.pgbackup.it.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.PostgreSQLContainer;

/** A PostgreSQL container and the service settings a controller needs to reach it by its alias. */
record Pg(PostgreSQLContainer<?> container, String alias, String user, String password, String database) {

    /** The controller's variables for this server as service {@code service}. */
    Map<String, String> env(String service) {
        String prefix = service.toUpperCase(java.util.Locale.ROOT).replace('-', '_') + "_";
        return Map.of(prefix + "POSTGRES_HOST", alias, prefix + "POSTGRES_USER", user, prefix + "POSTGRES_PASSWORD",
                password, prefix + "POSTGRES_DB", database);
    }

    /** Runs SQL in the server's database over its local socket; the result as psql prints it unaligned. */
    String sql(String sql) {
        Steps.say("docker exec " + alias + " psql -U " + user + " -d " + database + " -tAc \"" + sql + "\"");
        try {
            ExecResult result = container.execInContainer("psql", "-v", "ON_ERROR_STOP=1", "-U", user, "-d", database,
                    "-tAc", sql);
            assertThat(result.getExitCode()).as(sql + ": " + result.getStderr()).isZero();
            return result.getStdout().strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Fills a table {@code items} with {@code rows} rows of several types, and a view and a sequence. */
    void fill(int rows) {
        sql("CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL, price numeric(10,2), tags text[],"
                + " doc jsonb, at timestamptz);"
                + " INSERT INTO items SELECT g, 'item ' || g || ' ' || md5(g::text), g * 1.25, ARRAY['a' || g % 7],"
                + " jsonb_build_object('n', g, 'even', g % 2 = 0), timestamptz '2025-01-01' + g * interval '1 minute'"
                + " FROM generate_series(1, " + rows + ") g;"
                + " CREATE SEQUENCE tickets START 1000; SELECT setval('tickets', 4242);"
                + " CREATE VIEW cheap AS SELECT id, name FROM items WHERE price < 100;");
    }

    /** Row count and md5 of every row of {@code items}, the view's count, and the sequence's value. */
    String fingerprint() {
        return sql("SELECT (SELECT count(*) FROM items) || ' ' || (SELECT md5(string_agg(i::text, '|' ORDER BY id))"
                + " FROM items i) || ' ' || (SELECT count(*) FROM cheap) || ' ' || (SELECT last_value FROM tickets)");
    }
}
