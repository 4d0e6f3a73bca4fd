package org.pgbackup.controller;

import static java.util.Objects.requireNonNull;

/**
 * How to dump: {@code DumpOptions.defaults().toShared().progress(listener)}. Immutable;
 * each method returns a changed copy.
 */
public final class DumpOptions {
    private static final DumpOptions DEFAULTS = new DumpOptions(false, ProgressListener.NONE);

    private final boolean toShared;
    private final ProgressListener progress;

    private DumpOptions(boolean toShared, ProgressListener progress) {
        this.toShared = toShared;
        this.progress = progress;
    }

    /** To the destinations only, followed by nobody. */
    public static DumpOptions defaults() {
        return DEFAULTS;
    }

    /** Also replace {@code shared/<service>/file.dump[.zst]}, the copy another stand restores from. */
    public DumpOptions toShared() {
        return new DumpOptions(true, progress);
    }

    /** Report phases and bytes to this listener. */
    public DumpOptions progress(ProgressListener listener) {
        return new DumpOptions(toShared, requireNonNull(listener, "listener is null"));
    }

    /** Whether the shared copy is replaced too. */
    public boolean sharedCopy() {
        return toShared;
    }

    /** Who hears the dump's progress. */
    public ProgressListener listener() {
        return progress;
    }
}
