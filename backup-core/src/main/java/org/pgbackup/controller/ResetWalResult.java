package org.pgbackup.controller;

import java.nio.file.Path;

/**
 * A WAL reset that was applied.
 *
 * @param dryRun what {@code pg_resetwal --dry-run} said before
 * @param savedTo where the control data and WAL directories were copied before the change
 * @param output what {@code pg_resetwal} printed
 *
 * <p>Immutable, and so safe to share between threads.
 */
public record ResetWalResult(String dryRun, Path savedTo, String output) {
}
