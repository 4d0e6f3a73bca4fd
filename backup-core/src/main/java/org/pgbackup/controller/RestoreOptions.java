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
 * @param jobs 1 restores in one transaction, all or nothing; more runs that many parallel
 *     {@code pg_restore} jobs from a local copy of the archive, faster on many tables but
 *     leaving the database partly restored if it fails midway
 */
public record RestoreOptions(boolean keepOwners, boolean force, boolean withRoles, int jobs) {
    /** Owners kept, manifest required, roles not applied, one transaction. */
    public static final RestoreOptions DEFAULT = new RestoreOptions(true, false, false, 1);

    public RestoreOptions {
        if (jobs < 1) {
            throw new IllegalArgumentException("jobs must be 1 or more, not " + jobs);
        }
    }

    /** One transaction, all or nothing. */
    public RestoreOptions(boolean keepOwners, boolean force, boolean withRoles) {
        this(keepOwners, force, withRoles, 1);
    }

    /** Whether the restore runs in parallel jobs, outside one transaction. */
    public boolean parallel() {
        return jobs > 1;
    }
}
