package org.pgbackup.it;

/**
 * Tables of several types and a few thousand rows, and a fingerprint of their content, so
 * that a test can prove a restore gave back exactly what was dumped.
 */
public final class SampleData {
    private SampleData() {
    }

    /** Creates and fills the sample tables, a view and a sequence in the cluster's database. */
    public static void fill(PgCluster cluster, int rows) {
        fill(cluster, cluster.database(), rows);
    }

    /** Creates and fills the sample tables, a view and a sequence in another database of the cluster. */
    public static void fill(PgCluster cluster, String database, int rows) {
        cluster.psql(database, """
                CREATE SCHEMA IF NOT EXISTS sales;
                CREATE TABLE customers (
                    id serial PRIMARY KEY, name text NOT NULL, email text UNIQUE, balance numeric(12,2),
                    active boolean, tags text[], profile jsonb, born date, seen timestamptz, photo bytea);
                INSERT INTO customers (name, email, balance, active, tags, profile, born, seen, photo)
                    SELECT 'name ' || g || ' ünïcødé ' || repeat('x', g % 17), 'user' || g || '@example.com',
                           (g * 1.37)::numeric(12,2), g % 3 = 0, ARRAY['t' || (g % 5), 'u' || (g % 7)],
                           jsonb_build_object('n', g, 'even', g % 2 = 0), date '1970-01-01' + g,
                           timestamptz '2020-01-01 00:00:00+00' + g * interval '1 minute', decode(md5(g::text), 'hex')
                    FROM generate_series(1, {rows}) g;
                CREATE TABLE sales.orders (
                    id bigserial PRIMARY KEY, customer_id int REFERENCES customers(id), amount double precision,
                    placed date, note text);
                INSERT INTO sales.orders (customer_id, amount, placed, note)
                    SELECT 1 + g % {rows}, g / 7.0, date '2024-01-01' + g % 365, CASE WHEN g % 11 = 0 THEN NULL ELSE 'n' || g END
                    FROM generate_series(1, {orders}) g;
                CREATE INDEX ON sales.orders (placed);
                CREATE VIEW sales.totals AS SELECT customer_id, sum(amount) AS total FROM sales.orders GROUP BY 1;
                CREATE SEQUENCE invoice_numbers START 1000;
                SELECT setval('invoice_numbers', 4242);
                """.replace("{rows}", Integer.toString(rows)).replace("{orders}", Integer.toString(rows * 2)));
    }

    /**
     * Row counts and an md5 of every row of every sample table, the view's content and the
     * sequence's position: equal fingerprints mean equal data.
     */
    public static String fingerprint(PgCluster cluster) {
        return fingerprint(cluster, cluster.database());
    }

    /** The fingerprint of another database of the cluster, such as one restored into. */
    public static String fingerprint(PgCluster cluster, String database) {
        return cluster.psql(database, """
                SELECT 'customers=' || count(*) || ':' || md5(coalesce(string_agg(c::text, '|' ORDER BY id), ''))
                    FROM customers c;
                SELECT 'orders=' || count(*) || ':' || md5(coalesce(string_agg(o::text, '|' ORDER BY id), ''))
                    FROM sales.orders o;
                SELECT 'totals=' || md5(coalesce(string_agg(t::text, '|' ORDER BY customer_id), ''))
                    FROM sales.totals t;
                SELECT 'invoice_numbers=' || last_value FROM invoice_numbers;
                """);
    }

    /** Changes data, a view's definition and a sequence, as a mistake that a restore must undo would. */
    public static void damage(PgCluster cluster) {
        cluster.psql("""
                DELETE FROM sales.orders WHERE id % 3 = 0;
                UPDATE customers SET name = 'changed' WHERE id % 5 = 0;
                CREATE OR REPLACE VIEW sales.totals AS SELECT customer_id, 0 * sum(amount) AS total
                    FROM sales.orders GROUP BY 1;
                SELECT setval('invoice_numbers', 1);
                CREATE TABLE IF NOT EXISTS stray (id int);
                """);
    }
}
