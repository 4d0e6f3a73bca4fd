package org.pgbackup.it;

/**
 * The benchmark's second data set, text-heavy as real databases are: sentences from a fixed
 * vocabulary, JSON documents, timestamps and numerics, with two secondary indexes. The
 * random filler of the first set flatters neither compressor; this one tells them apart.
 * Deterministic: the same size gives the same rows, since every value is a hash of the row
 * number.
 */
final class TextHeavyData {
    /** About this many bytes on disk per row, table and indexes together. */
    private static final int BYTES_PER_ROW = 360;

    private TextHeavyData() {
    }

    static void fill(PgCluster cluster, String database, int megabytes) {
        cluster.psql("postgres", "CREATE DATABASE " + database);
        long rows = megabytes * 1024L * 1024L / BYTES_PER_ROW;
        cluster.psql(database, """
                CREATE TABLE documents AS
                SELECT g AS id,
                    (SELECT string_agg(v[1 + abs(hashint4(g * 64 + k)) % 60], ' ')
                        FROM generate_series(1, 36) k) AS body,
                    jsonb_build_object('n', g, 'tag', v[1 + abs(hashint4(g)) % 60],
                        'score', abs(hashint4(g * 3)) % 1000) AS doc,
                    timestamptz '2024-01-01 00:00:00+00' + g * interval '7 seconds' AS at,
                    (abs(hashint4(g * 5)) % 10000000) / 100.0 AS amount
                FROM generate_series(1, {rows}) g,
                    (SELECT ARRAY['time','person','year','way','day','thing','man','world','life','hand','part',
                        'child','eye','woman','place','work','week','case','point','government','company','number',
                        'group','problem','fact','be','have','do','say','get','make','go','know','take','see',
                        'come','think','look','want','give','use','find','tell','ask','seem','feel','try','leave',
                        'call','good','new','first','last','long','great','little','own','other','old','right'])
                        a(v);
                ALTER TABLE documents ADD PRIMARY KEY (id);
                CREATE INDEX ON documents (at);
                VACUUM ANALYZE documents;
                """.replace("{rows}", Long.toString(rows)));
    }
}
