/**
 * The write-ahead log as point-in-time recovery reads it: positions ({@code Lsn}), segment
 * names ({@code WalSegment}), timeline histories, and the segments a
 * recovery from a base backup to a target needs, so that a restore can refuse a gap in the
 * archive, naming the first missing segment, before it writes anything. The names and rules
 * are the server's; the tests hold them against what PostgreSQL wrote. Nothing streams or
 * restores with them yet: WAL archiving and {@code restore-pitr} will build on them.
 */
package org.pgbackup.internal.wal;
