package org.pgbackup.spi;

import java.io.IOException;

/**
 * The life of a {@link PendingObject}, written once: {@link #commit()} publishes at most
 * once, a failed commit discards what was staged, and {@link #close()} after anything but a
 * commit discards it too. Implementations supply how to publish and how to discard.
 */
public abstract class AbstractPendingObject implements PendingObject {
    private boolean finished;

    /** Makes the staged object visible, atomically and durably; throws if it could not. */
    protected abstract void publish() throws IOException;

    /** Removes whatever was staged. Called at most once, never after a publish; must not throw. */
    protected abstract void discard();

    /** Whether the object was committed or discarded; writing is then over. */
    protected final boolean finished() {
        return finished;
    }

    @Override
    public final void commit() throws IOException {
        if (finished) {
            throw new IllegalStateException("Already committed or aborted");
        }
        boolean published = false;
        try {
            publish();
            published = true;
        } finally {
            if (published) {
                finished = true;
            } else {
                close();
            }
        }
    }

    @Override
    public final void close() {
        if (finished) {
            return;
        }
        finished = true;
        discard();
    }
}
