package org.pgbackup.controller;

import static java.util.Objects.requireNonNull;

/**
 * How to reset a write-ahead log: {@code ResetWalOptions.confirmedBy(dryRun -> ask(dryRun))},
 * with {@link #force()} for a server that crashed and left its {@code postmaster.pid}.
 * Immutable; each method returns a changed copy.
 */
public final class ResetWalOptions {
    private final Confirmation confirmation;
    private final boolean force;

    private ResetWalOptions(Confirmation confirmation, boolean force) {
        this.confirmation = requireNonNull(confirmation, "confirmation is null");
        this.force = force;
    }

    /** Asks this confirmation, having shown it the dry run; nothing changes unless it says yes. */
    public static ResetWalOptions confirmedBy(Confirmation confirmation) {
        return new ResetWalOptions(confirmation, false);
    }

    /**
     * Moves a stale {@code postmaster.pid} aside (saved with the rest) and passes {@code -f}
     * to {@code pg_resetwal}.
     */
    public ResetWalOptions force() {
        return new ResetWalOptions(confirmation, true);
    }

    /** Who confirms. */
    public Confirmation confirmation() {
        return confirmation;
    }

    /** Whether the reset is forced. */
    public boolean forced() {
        return force;
    }

    /** Asks whoever runs {@code resetwal} to confirm, having shown them the dry run. */
    @FunctionalInterface
    public interface Confirmation {
        /**
         * @param dryRun what {@code pg_resetwal --dry-run} says it would do
         * @return whether to go ahead
         */
        boolean confirm(String dryRun);
    }
}
