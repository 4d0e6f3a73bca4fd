/**
 * Point-in-time recovery as the library offers it: the options and results of
 * {@code PointInTimeRecovery} ({@link org.pgbackup.controller.BackupController#pointInTimeRecovery()}),
 * which streams a service's WAL, takes its base backups, reports its restorable window and
 * restores it to a moment in that window. Logical dumps are untouched by it: this is a second,
 * physical kind of backup beside them, for the services with {@code <PREFIX>_PITR=true}.
 */
package org.pgbackup.pitr;
