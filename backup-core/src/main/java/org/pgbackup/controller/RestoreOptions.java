package org.pgbackup.controller;

/**
 * How to restore.
 *
 * @param keepOwners objects keep the owners and privileges the archive records; without,
 *     they belong to the service's user and the archive's grants are skipped
 * @param force an archive without a readable manifest may be restored (its checksum cannot
 *     be checked)
 * @param withRoles the roles saved beside the archive are created first, so that owners and
 *     grants can be restored on a fresh server
 */
public record RestoreOptions(boolean keepOwners, boolean force, boolean withRoles) {
    /** Owners kept, manifest required, roles not applied. */
    public static final RestoreOptions DEFAULT = new RestoreOptions(true, false, false);
}
