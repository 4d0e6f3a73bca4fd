package org.pgbackup.controller;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * How to dump: {@code DumpOptions.defaults().toShared().progress(listener).cancellation(c)}.
 * Immutable, and so safe to share between threads; each method returns a changed copy.
 */
public final class DumpOptions {
    private static final DumpOptions DEFAULTS = new DumpOptions(false, ProgressListener.NONE, null);

    private final boolean toShared;
    private final ProgressListener progress;
    private final Cancellation cancellation;

    private DumpOptions(boolean toShared, ProgressListener progress, Cancellation cancellation) {
        this.toShared = toShared;
        this.progress = progress;
        this.cancellation = cancellation;
    }

    /** To the destinations only, followed by nobody. */
    public static DumpOptions defaults() {
        return DEFAULTS;
    }

    /** Also replace {@code shared/<service>/file.dump[.zst]}, the copy another stand restores from. */
    public DumpOptions toShared() {
        return new DumpOptions(true, progress, cancellation);
    }

    /** Report phases and bytes to this listener. */
    public DumpOptions progress(ProgressListener listener) {
        return new DumpOptions(toShared, requireNonNull(listener, "listener is null"), cancellation);
    }

    /**
     * Stops the dump when {@code cancellation} is cancelled: it then ends with
     * {@link org.pgbackup.error.CancelledException} and no destination keeps an archive.
     */
    public DumpOptions cancellation(Cancellation cancellation) {
        return new DumpOptions(toShared, progress, requireNonNull(cancellation, "cancellation is null"));
    }

    /** Whether the shared copy is replaced too. */
    public boolean sharedCopy() {
        return toShared;
    }

    /** Who hears the dump's progress. */
    public ProgressListener listener() {
        return progress;
    }

    /** What cancels the dump, if anything does. */
    public Optional<Cancellation> cancellation() {
        return Optional.ofNullable(cancellation);
    }
}
