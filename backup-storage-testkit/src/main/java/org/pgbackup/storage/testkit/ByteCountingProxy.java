package org.pgbackup.storage.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on the loopback address that counts the bytes a client sends to a server: for
 * {@link StorageContract#bytesReceived()} of a network store, point the storage at
 * {@link #port()} instead of the server's, and return {@link #bytesSent()}. Requests' own
 * bytes (headers, signatures) count too, which only makes the streaming check easier to
 * pass, never harder.
 *
 * <p>It can also fail the network for a moment: {@link #dropNext(int)} closes the next
 * connections as they arrive, for a test of what a client does then.
 *
 * <p>Thread-safe; {@link #close()} ends every connection it carries.
 */
public final class ByteCountingProxy implements AutoCloseable {
    private static final int BUFFER = 64 * 1024;

    private final ServerSocket listener;
    private final String targetHost;
    private final int targetPort;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicInteger toDrop = new AtomicInteger();
    private final AtomicInteger dropped = new AtomicInteger();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    /** Starts a proxy to {@code targetHost:targetPort} on a free loopback port. */
    public ByteCountingProxy(String targetHost, int targetPort) throws IOException {
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.acceptor = new Thread(this::accept, "byte-counting-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** The loopback port to point the storage at. */
    public int port() {
        return listener.getLocalPort();
    }

    /** Every byte clients sent through the proxy so far, over all connections. */
    public long bytesSent() {
        return sent.get();
    }

    /**
     * Closes the next connections as they arrive, before a byte passes: a network that fails
     * for a moment, then works again.
     *
     * @param connections how many connections to close
     */
    public void dropNext(int connections) {
        toDrop.set(connections);
    }

    /** How many connections were closed as they arrived, over the proxy's life. */
    public int dropped() {
        return dropped.get();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                if (toDrop.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    client.close();
                    dropped.incrementAndGet();
                    continue;
                }
                Socket server = new Socket(targetHost, targetPort);
                sockets.add(client);
                sockets.add(server);
                pump(client, server, true);
                pump(server, client, false);
            } catch (IOException e) {
                // Closed, or the target refused: the client sees its connection end.
            }
        }
    }

    private void pump(Socket from, Socket to, boolean counted) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[BUFFER];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (counted) {
                        sent.addAndGet(n);
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // One side went away: the other is closed below.
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "byte-counting-proxy-pump");
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // Already gone.
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        sockets.forEach(ByteCountingProxy::closeQuietly);
        try {
            acceptor.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
