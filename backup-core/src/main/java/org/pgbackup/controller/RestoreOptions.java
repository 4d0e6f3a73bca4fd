package org.pgbackup.controller;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * How to restore: {@code RestoreOptions.defaults().withoutOwners().jobs(4)}. The defaults
 * keep owners, require a manifest, apply no roles and restore in one transaction, all or
 * nothing. Immutable; each method returns a changed copy.
 */
public final class RestoreOptions {
    private static final RestoreOptions DEFAULTS = new RestoreOptions(true, false, false, 1, ProgressListener.NONE,
            null, null);

    private final boolean keepOwners;
    private final boolean force;
    private final boolean withRoles;
    private final int jobs;
    private final ProgressListener progress;
    private final Cancellation cancellation;
    private final String from;

    private RestoreOptions(boolean keepOwners, boolean force, boolean withRoles, int jobs, ProgressListener progress,
            Cancellation cancellation, String from) {
        if (jobs < 1) {
            throw new IllegalArgumentException("jobs must be 1 or more, not " + jobs);
        }
        this.keepOwners = keepOwners;
        this.force = force;
        this.withRoles = withRoles;
        this.jobs = jobs;
        this.progress = requireNonNull(progress, "listener is null");
        this.cancellation = cancellation;
        this.from = from;
    }

    /** Owners kept, manifest required, roles not applied, one transaction. */
    public static RestoreOptions defaults() {
        return DEFAULTS;
    }

    /** Objects belong to the service's user and the archive's grants are skipped. */
    public RestoreOptions withoutOwners() {
        return new RestoreOptions(false, force, withRoles, jobs, progress, cancellation, from);
    }

    /** An archive without a readable manifest may be restored; its checksum cannot be checked. */
    public RestoreOptions force() {
        return new RestoreOptions(keepOwners, true, withRoles, jobs, progress, cancellation, from);
    }

    /** The roles saved beside the archive are created first, for owners and grants on a fresh server. */
    public RestoreOptions withRoles() {
        return new RestoreOptions(keepOwners, force, true, jobs, progress, cancellation, from);
    }

    /**
     * The roles saved beside the archive are not applied (the default): for each database of
     * a whole-server run once the run's roles are in, among others.
     */
    public RestoreOptions withoutRoles() {
        return new RestoreOptions(keepOwners, force, false, jobs, progress, cancellation, from);
    }

    /**
     * 1 restores in one transaction, all or nothing; more runs that many parallel
     * {@code pg_restore} jobs from a local copy, faster on many tables but leaving the
     * database partly restored if it fails midway.
     */
    public RestoreOptions jobs(int jobs) {
        return new RestoreOptions(keepOwners, force, withRoles, jobs, progress, cancellation, from);
    }

    /** Report phases and bytes to this listener. */
    public RestoreOptions progress(ProgressListener listener) {
        return new RestoreOptions(keepOwners, force, withRoles, jobs, listener, cancellation, from);
    }

    /**
     * Stops the restore when {@code cancellation} is cancelled: it then ends with
     * {@link org.pgbackup.error.CancelledException}, the database as it was (with one job;
     * parallel jobs may have restored part of it).
     */
    public RestoreOptions cancellation(Cancellation cancellation) {
        return new RestoreOptions(keepOwners, force, withRoles, jobs, progress,
                requireNonNull(cancellation, "cancellation is null"), from);
    }

    /**
     * Reads the archive from this destination of {@code BACKUP_TARGET} only ({@code restore
     * --from}), rather than from the first that holds it (the local volume first, then the
     * others in {@code BACKUP_TARGET} order).
     */
    public RestoreOptions from(String destination) {
        return new RestoreOptions(keepOwners, force, withRoles, jobs, progress, cancellation,
                requireNonNull(destination, "destination is null"));
    }

    /** The one destination to read from, when {@link #from(String)} named one. */
    public Optional<String> source() {
        return Optional.ofNullable(from);
    }

    /** Whether objects keep the owners and privileges the archive records. */
    public boolean keepsOwners() {
        return keepOwners;
    }

    /** Whether an archive without a manifest is restored anyway. */
    public boolean forced() {
        return force;
    }

    /** Whether the saved roles are created first. */
    public boolean appliesRoles() {
        return withRoles;
    }

    /** How many {@code pg_restore} jobs run. */
    public int jobCount() {
        return jobs;
    }

    /** Whether the restore runs in parallel jobs, outside one transaction. */
    public boolean parallel() {
        return jobs > 1;
    }

    /** Who hears the restore's progress. */
    public ProgressListener listener() {
        return progress;
    }

    /** What cancels the restore, if anything does. */
    public Optional<Cancellation> cancellation() {
        return Optional.ofNullable(cancellation);
    }
}
