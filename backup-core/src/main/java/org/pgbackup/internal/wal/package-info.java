/**
 * The write-ahead log as point-in-time recovery reads it: positions ({@code Lsn}), segment
 * names ({@code WalSegment}), timeline histories, and the segments a
 * recovery from a base backup to a target needs, so that a restore can refuse a gap in the
 * archive, naming the first missing segment, before it writes anything. The names and rules
 * are the server's; the tests hold them against what PostgreSQL wrote.
 *
 * <p>And the streaming: {@code StreamingReadiness} finds, changing nothing, all a server lacks
 * for it (each with its fix, in one message); {@code WalReceiver} keeps {@code pg_receivewal} running through a
 * permanent replication slot ({@code SlotName}) into a {@code WalSpool} on the service's volume,
 * whose finished files {@code WalShipper} hands to {@code WalArchive} (leaving the spool only
 * once every destination holds them, and the segment being written stored as a replaceable
 * partial), which stores them in every destination (compressed, encrypted
 * when encryption is on, each with its checksum) and fetches back verified; {@code BaseBackup}
 * streams {@code pg_basebackup}'s tar the same way, with a manifest of where recovery from it
 * starts and ends; {@code PitrRestore} plans a restore to a time (refusing a target outside the
 * window, or a gap on the way, before anything is written) and writes it into a directory that
 * PostgreSQL recovers on by itself; {@code PitrRetention} decides what retention deletes without
 * leaving the window a gap. {@code PointInTimeRecoveryTest} proves the whole way on a real
 * server. The operations in {@code org.pgbackup.internal.operation} put them to work for
 * {@code start}, {@code basebackup}, {@code restore-pitr}, {@code list --pitr} and
 * {@code health}.
 */
package org.pgbackup.internal.wal;
