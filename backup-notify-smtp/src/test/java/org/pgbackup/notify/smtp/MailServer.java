package org.pgbackup.notify.smtp;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import org.subethamail.smtp.auth.EasyAuthenticationHandlerFactory;
import org.subethamail.smtp.auth.LoginFailedException;
import org.subethamail.smtp.server.SMTPServer;

/**
 * A real SMTP server in the test JVM (SubEthaSMTP), on 127.0.0.1 and a free port, that insists
 * on STARTTLS before anything else, takes one user's login, and keeps what it is sent.
 */
public final class MailServer implements AutoCloseable {
    private final SMTPServer server;
    private final List<MimeMessage> received = new CopyOnWriteArrayList<>();
    private final List<String> logins = new CopyOnWriteArrayList<>();

    private MailServer(SMTPServer.Builder builder, String user, String password) {
        this.server = builder.bindAddress(loopback()).port(0).hostName("localhost")
                .authenticationHandlerFactory(new EasyAuthenticationHandlerFactory((name, secret, context) -> {
                    logins.add(name);
                    if (!name.equals(user) || !secret.equals(password)) {
                        throw new LoginFailedException("535 5.7.8 Authentication credentials invalid");
                    }
                }))
                .requireAuth()
                .simpleMessageListener(new org.subethamail.smtp.helper.SimpleMessageListener() {
                    @Override
                    public boolean accept(String from, String recipient) {
                        return true;
                    }

                    @Override
                    public void deliver(String from, String recipient, InputStream data) throws IOException {
                        try {
                            received.add(new MimeMessage(Session.getInstance(new Properties()), data));
                        } catch (MessagingException e) {
                            throw new IOException(e);
                        }
                    }
                }).build();
        server.start();
    }

    /** A server that requires STARTTLS, with the certificate's key. */
    public static MailServer startTls(TestCertificate certificate, String user, String password)
            throws IOException, GeneralSecurityException {
        return new MailServer(SMTPServer.port(0).enableTLS().requireTLS()
                .startTlsSocketFactory(certificate.serverContext()), user, password);
    }

    /** A server that offers no TLS at all: a client that insists on it must not send. */
    public static MailServer plain(String user, String password) {
        return new MailServer(SMTPServer.port(0), user, password);
    }

    private static InetAddress loopback() {
        return InetAddress.getLoopbackAddress();
    }

    public int port() {
        return server.getPortAllocated();
    }

    /** The messages delivered, one per recipient. */
    public List<MimeMessage> received() {
        return received;
    }

    /** The user names that tried to log in, in order. */
    public List<String> logins() {
        return logins;
    }

    @Override
    public void close() {
        server.stop();
    }
}
