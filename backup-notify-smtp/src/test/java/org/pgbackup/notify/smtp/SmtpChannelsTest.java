package org.pgbackup.notify.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pgbackup.spi.channel.Channel;
import org.pgbackup.spi.channel.ChannelUrl;
import org.pgbackup.spi.channel.Notice;

/** The e-mail channel against real SMTP servers in this JVM, over real TLS. */
class SmtpChannelsTest {
    private static final Notice FAILED = new Notice("backup.failed", "orders", Instant.parse("2026-12-05T03:00:02Z"),
            true, "Backup of 'orders' failed", "The database dump of 'orders' failed after 3 s.\nError: Cannot"
                    + " connect to service 'orders'", "{}");

    @TempDir
    static Path certificates;
    static TestCertificate certificate;

    private final SmtpChannels provider = new SmtpChannels();

    @BeforeAll
    static void trustTheTestCertificate() throws Exception {
        certificate = TestCertificate.create(certificates);
        // As an operator trusts a private CA: the JVM's trust store, before any TLS is used.
        System.setProperty("javax.net.ssl.trustStore", certificate.trustStore().toString());
        System.setProperty("javax.net.ssl.trustStorePassword", TestCertificate.PASSWORD);
        System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
        System.setProperty("greenmail.tls.keystore.file", certificate.keyStore().toString());
        System.setProperty("greenmail.tls.keystore.password", TestCertificate.PASSWORD);
        System.setProperty("greenmail.tls.key.password", TestCertificate.PASSWORD);
    }

    private Channel open(String url) {
        ChannelUrl parsed = ChannelUrl.parse(url);
        assertThat(provider.validate(parsed)).isEmpty();
        return provider.open(parsed);
    }

    @Test
    void startTlsMailArrivesWithItsSubjectBodyAndRecipients() throws Exception {
        try (MailServer server = MailServer.startTls(certificate, "backups", "s3cret/pw")) {
            try (Channel channel = open("smtp://backups:s3cret%2Fpw@localhost:" + server.port()
                    + "/?from=Backups%20%3Cbackups@example.com%3E&to=ops@example.com,dba@example.com")) {
                channel.send(FAILED);
            }
            assertThat(server.logins()).containsExactly("backups");
            assertThat(server.received()).hasSize(2);
            MimeMessage mail = server.received().get(0);
            assertThat(mail.getSubject()).isEqualTo("[pgbackup] Backup of 'orders' failed");
            assertThat(Arrays.stream(mail.getAllRecipients()).map(Object::toString))
                    .containsExactly("ops@example.com", "dba@example.com");
            assertThat(mail.getFrom()[0].toString()).isEqualTo("Backups <backups@example.com>");
            assertThat(mail.getHeader("X-Pgbackup-Event")).containsExactly("backup.failed");
            String body = ((String) mail.getContent()).replace("\r\n", "\n");
            assertThat(body).startsWith(FAILED.text() + "\n\n-- \nService: orders\nEvent: backup.failed\n");
        }
    }

    @Test
    void aServerWithoutStartTlsGetsNothingNotEvenThePassword() throws Exception {
        try (MailServer server = MailServer.plain("backups", "pw")) {
            try (Channel channel = open("smtp://backups:pw@localhost:" + server.port()
                    + "/?from=backups@example.com&to=ops@example.com")) {
                assertThatThrownBy(() -> channel.send(FAILED)).isInstanceOf(IOException.class)
                        .hasMessageContaining("was not sent").hasMessageContaining("STARTTLS");
            }
            assertThat(server.logins()).isEmpty();
            assertThat(server.received()).isEmpty();
        }
    }

    @Test
    void implicitTlsWithGreenMailAndARefusedLogin() throws Exception {
        ServerSetup smtps = ServerSetupTest.SMTPS.dynamicPort();
        GreenMail greenMail = new GreenMail(smtps);
        greenMail.start();
        try {
            greenMail.setUser("backups@example.com", "backups", "right-pw");
            int port = greenMail.getSmtps().getPort();
            try (Channel channel = open("smtps://backups:right-pw@localhost:" + port
                    + "/?from=backups@example.com&to=ops@example.com&subject=%5Bprod%5D")) {
                channel.send(FAILED);
            }
            assertThat(greenMail.waitForIncomingEmail(10_000, 1)).isTrue();
            MimeMessage mail = greenMail.getReceivedMessages()[0];
            assertThat(mail.getSubject()).isEqualTo("[prod] Backup of 'orders' failed");
            assertThat(((String) mail.getContent()).replace("\r\n", "\n")).startsWith(FAILED.text());

            try (Channel channel = open("smtps://backups:wrong-pw@localhost:" + port
                    + "/?from=backups@example.com&to=ops@example.com")) {
                assertThatThrownBy(() -> channel.send(FAILED)).isInstanceOf(IOException.class)
                        .hasMessageContaining("refused the login of 'backups'")
                        .hasMessageNotContaining("wrong-pw");
            }
            assertThat(greenMail.getReceivedMessages()).hasSize(1);
        } finally {
            greenMail.stop();
        }
    }

    @Test
    void aServerThatIsDownIsAnErrorNotAHang() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        try (Channel channel = open("smtp://localhost:" + port + "/?from=backups@example.com&to=ops@example.com")) {
            assertThatThrownBy(() -> channel.send(FAILED)).isInstanceOf(IOException.class)
                    .hasMessageContaining("was not sent");
        }
    }

    @Test
    void badUrlsAreRefusedWithTheFixAndNoSecret() {
        assertThat(provider.validate(ChannelUrl.parse("smtp://u:pw@mail.example.com/?to=not-an-address")))
                .containsExactly("say who the mail is from: ?from=backups@example.com",
                        "?to= has an address that is not one: not-an-address");
        assertThat(provider.validate(ChannelUrl.parse(
                "smtp://u:pw@mail.example.com/?from=a@example.com&to=b@example.com&encryption=none")))
                .containsExactly("?encryption=none would send the password in clear: use starttls or tls");
        assertThat(provider.validate(ChannelUrl.parse(
                "smtps://mail.example.com/?from=a@example.com&to=b@example.com&encryption=starttls")))
                .containsExactly("smtps:// is TLS from the first byte: leave ?encryption= out, or use smtp://");
        assertThat(provider.masked(ChannelUrl.parse("smtp://user:hunter2@mail.example.com:587/?to=x@y")))
                .isEqualTo("smtp://user:****@mail.example.com:587");
        assertThat(List.copyOf(provider.schemes())).containsExactlyInAnyOrder("smtp", "smtps");
    }
}
