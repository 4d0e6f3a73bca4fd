# Run by the PostgreSQL image's entrypoint when it initialises an empty data directory (it
# reads /docker-entrypoint-initdb.d): the image's pg_hba.conf admits every database from any
# host, but replication connections need a line of their own. The controller streams WAL and
# takes base backups over one, for point-in-time recovery (<SERVICE>_PITR=true).
printf 'host replication all all scram-sha-256\n' >> "$PGDATA/pg_hba.conf"
