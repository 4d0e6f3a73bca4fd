package org.pgbackup.internal.operation;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Hands what is written to a thread of its own, which writes it on downstream: the stages
 * before it (reading {@code pg_dump}, compressing) and after it (encrypting, digesting,
 * storing) then run on two cores instead of one. A few fixed buffers go back and forth, so
 * it adds no garbage and a bounded amount of memory. The thread belongs to this stream and
 * ends with {@link #close()}, which also closes downstream; a failure downstream comes back
 * to the writer as an {@link IOException} at its next write or at the close.
 */
public final class HandOff extends OutputStream {
    private static final int CHUNK = 256 * 1024;
    private static final int BUFFERS = 4;
    /** Ends the stream. */
    private static final Chunk END = new Chunk(new byte[0], 0);

    private record Chunk(byte[] buffer, int length) {
    }

    private final BlockingQueue<Chunk> full = new ArrayBlockingQueue<>(BUFFERS + 1);
    private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(BUFFERS);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Thread worker;
    private byte[] current;
    private int filled;
    private boolean closed;

    HandOff(OutputStream downstream, String name) {
        for (int i = 0; i < BUFFERS; i++) {
            free.add(new byte[CHUNK]);
        }
        current = free.poll();
        worker = new Thread(() -> drain(downstream), name);
        worker.setDaemon(true);
        worker.start();
    }

    private void drain(OutputStream downstream) {
        try (downstream) {
            while (true) {
                Chunk chunk = full.take();
                if (chunk == END) {
                    break;
                }
                downstream.write(chunk.buffer(), 0, chunk.length());
                free.put(chunk.buffer());
            }
        } catch (Throwable e) {
            failure.compareAndSet(null, e);
            // The writer may wait for a free buffer: give every one back until it sees the failure.
            free.clear();
            for (int i = 0; i < BUFFERS; i++) {
                free.offer(new byte[0]);
            }
        }
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            checkFailure();
            int n = Math.min(len, current.length - filled);
            System.arraycopy(b, off, current, filled, n);
            filled += n;
            off += n;
            len -= n;
            if (filled == current.length) {
                pass();
            }
        }
    }

    private void pass() throws IOException {
        try {
            full.put(new Chunk(current, filled));
            current = free.take();
            filled = 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Interrupted while handing data on");
        }
        checkFailure();
    }

    private void checkFailure() throws IOException {
        Throwable e = failure.get();
        if (e instanceof IOException io) {
            throw new IOException(io.getMessage(), io);
        }
        if (e != null) {
            throw new IOException("Writing on failed: " + e, e);
        }
    }

    /** Writes what is left, waits for the thread to write it on, and closes downstream. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (filled > 0 && failure.get() == null) {
                full.put(new Chunk(current, filled));
            }
            full.put(END);
            worker.join();
        } catch (InterruptedException e) {
            worker.interrupt();
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Interrupted while finishing the hand-off");
        }
        checkFailure();
    }
}
