package org.pgbackup.spi;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;

/**
 * An object being written. Nothing is visible until {@link #commit()} returns. Closing it
 * without a commit aborts the write and removes whatever was staged.
 */
public interface PendingObject extends Closeable {

    /** Where the object's bytes go. Closing this stream does not commit. */
    OutputStream output();

    /**
     * Makes the object visible with every byte written so far, durably: when this returns,
     * the object survives a crash of the controller.
     *
     * @throws IOException if the object could not be stored; nothing is then visible
     */
    void commit() throws IOException;

    /** Aborts the write unless it was committed. Never throws for an abort. */
    @Override
    void close();
}
