package org.pgbackup.storage.s3;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on the loopback address in front of a real S3 server that injects faults:
 * the first {@code failures} connections are answered with {@code 503 Slow Down} (or
 * dropped), and with {@link #cutAfter} every connection is cut once that many request
 * bytes have passed. Each connection carries one request: the client is told
 * {@code Connection: close} is not needed, because the proxy counts connections and the
 * S3 client opens a new one after every failure.
 */
public final class FaultyProxy implements AutoCloseable {
    /** How a failing connection fails. */
    public enum Fault {
        /** Answer {@code 503 Slow Down}, as a throttling S3 does. */
        SERVICE_UNAVAILABLE,
        /** Close the connection without an answer. */
        DROP
    }

    private final ServerSocket listener;
    private final int targetPort;
    private final int failures;
    private final Fault fault;
    private final AtomicInteger connections = new AtomicInteger();
    private volatile long cutAfter = Long.MAX_VALUE;
    private final java.io.ByteArrayOutputStream recorded = new java.io.ByteArrayOutputStream();
    private final Thread acceptor;

    public FaultyProxy(int targetPort, int failures, Fault fault) throws IOException {
        this.listener = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        this.targetPort = targetPort;
        this.failures = failures;
        this.fault = fault;
        this.acceptor = new Thread(this::accept, "faulty-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Cuts every connection after this many bytes from the client. */
    public FaultyProxy cutAfter(long bytes) {
        this.cutAfter = bytes;
        return this;
    }

    public String endpoint() {
        return "http://127.0.0.1:" + listener.getLocalPort();
    }

    /**
     * What clients sent through the proxy so far, request lines, headers and bodies, as
     * ISO-8859-1 text: for tests that check which headers reached the server.
     */
    public String requests() {
        synchronized (recorded) {
            return recorded.toString(StandardCharsets.ISO_8859_1);
        }
    }

    /** How many connections clients have opened so far. */
    public int connections() {
        return connections.get();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                int number = connections.incrementAndGet();
                Thread handler = new Thread(() -> handle(client, number), "faulty-proxy-" + number);
                handler.setDaemon(true);
                handler.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void handle(Socket client, int number) {
        try (client) {
            if (number <= failures) {
                readHead(client.getInputStream());
                if (fault == Fault.SERVICE_UNAVAILABLE) {
                    String body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>SlowDown</Code>"
                            + "<Message>Injected failure</Message></Error>";
                    client.getOutputStream().write(("HTTP/1.1 503 Slow Down\r\nContent-Type: application/xml\r\n"
                            + "Content-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body)
                            .getBytes(StandardCharsets.US_ASCII));
                    client.getOutputStream().flush();
                } else {
                    client.setSoLinger(true, 0);
                }
                return;
            }
            try (Socket server = new Socket(InetAddress.getByName("127.0.0.1"), targetPort)) {
                Thread back = new Thread(() -> pump(server, client, Long.MAX_VALUE, null),
                        "faulty-proxy-back-" + number);
                back.setDaemon(true);
                back.start();
                pump(client, server, cutAfter, recorded);
                if (cutAfter != Long.MAX_VALUE) {
                    client.setSoLinger(true, 0);
                    return;
                }
                back.join();
            }
        } catch (IOException | InterruptedException e) {
            // A client or server that hangs up ends the connection; nothing else to do.
        }
    }

    private static void readHead(InputStream in) throws IOException {
        int matched = 0;
        byte[] end = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        int b;
        while (matched < end.length && (b = in.read()) >= 0) {
            matched = b == end[matched] ? matched + 1 : (b == end[0] ? 1 : 0);
        }
    }

    private static void pump(Socket from, Socket to, long limit, java.io.ByteArrayOutputStream record) {
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            byte[] buffer = new byte[8192];
            long passed = 0;
            int n;
            while (passed < limit && (n = in.read(buffer, 0, (int) Math.min(buffer.length, limit - passed))) >= 0) {
                out.write(buffer, 0, n);
                out.flush();
                passed += n;
                if (record != null) {
                    synchronized (record) {
                        record.write(buffer, 0, n);
                    }
                }
            }
            if (limit == Long.MAX_VALUE) {
                to.shutdownOutput();
            }
        } catch (IOException e) {
            // The other side closed.
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
