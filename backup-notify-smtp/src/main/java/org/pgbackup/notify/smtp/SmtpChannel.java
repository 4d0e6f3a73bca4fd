package org.pgbackup.notify.smtp;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Date;
import java.util.Properties;
import org.pgbackup.spi.channel.Channel;
import org.pgbackup.spi.channel.ChannelUrl;
import org.pgbackup.spi.channel.Notice;

/** Mails each notice as plain text to the URL's recipients, through Jakarta Mail. */
final class SmtpChannel implements Channel {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final ChannelUrl url;
    private final Session session;
    private final String protocol;

    SmtpChannel(ChannelUrl url) {
        this.url = url;
        String encryption = SmtpChannels.encryption(url);
        int port = url.port().orElse(encryption.equals("tls") ? SmtpChannels.IMPLICIT_TLS_PORT
                : SmtpChannels.SUBMISSION_PORT);
        this.protocol = encryption.equals("tls") ? "smtps" : "smtp";
        String p = "mail." + protocol + ".";
        Properties properties = new Properties();
        properties.setProperty("mail.transport.protocol", protocol);
        properties.setProperty(p + "host", url.host().orElseThrow());
        properties.setProperty(p + "port", Integer.toString(port));
        properties.setProperty(p + "auth", Boolean.toString(url.userInfo().isPresent()));
        properties.setProperty(p + "connectiontimeout", Long.toString(TIMEOUT.toMillis()));
        properties.setProperty(p + "timeout", Long.toString(TIMEOUT.toMillis()));
        properties.setProperty(p + "writetimeout", Long.toString(TIMEOUT.toMillis()));
        // Check the certificate's name as a browser would; trust comes from the JVM's trust store.
        properties.setProperty(p + "ssl.checkserveridentity", "true");
        if (encryption.equals("starttls")) {
            properties.setProperty(p + "starttls.enable", "true");
            properties.setProperty(p + "starttls.required", "true");
        }
        url.parameter("helo").ifPresent(name -> properties.setProperty(p + "localhost", name));
        this.session = Session.getInstance(properties);
    }

    @Override
    public void send(Notice notice) throws IOException {
        try {
            MimeMessage message = new MimeMessage(session);
            message.setFrom(new InternetAddress(url.parameter("from").orElseThrow(), true));
            for (String to : url.parameterList("to")) {
                message.addRecipient(Message.RecipientType.TO, new InternetAddress(to, true));
            }
            message.setSubject(url.parameter("subject").map(prefix -> prefix + " ").orElse("[pgbackup] ")
                    + notice.title(), StandardCharsets.UTF_8.name());
            message.setSentDate(Date.from(notice.time()));
            message.setText(notice.text() + "\n\n-- \nService: " + notice.service() + "\nEvent: " + notice.event()
                    + "\nTime: " + notice.time() + "\n", StandardCharsets.UTF_8.name());
            message.setHeader("X-Pgbackup-Event", notice.event());
            message.saveChanges();
            try (Transport transport = session.getTransport(protocol)) {
                if (url.userInfo().isPresent()) {
                    transport.connect(url.user().orElse(""), url.password().orElse(""));
                } else {
                    transport.connect();
                }
                transport.sendMessage(message, message.getAllRecipients());
            }
        } catch (AuthenticationFailedException e) {
            throw new IOException("the SMTP server " + url.authorityHost() + " refused the login of '"
                    + url.user().orElse("") + "'" + reason(e) + ": check the user and password in the URL", e);
        } catch (MessagingException e) {
            throw new IOException("the mail to " + url.authorityHost() + " was not sent: " + describe(e), e);
        }
    }

    private static String reason(MessagingException e) {
        return e.getMessage() == null || e.getMessage().isBlank() ? "" : " (" + e.getMessage().strip() + ")";
    }

    private static String describe(MessagingException e) {
        StringBuilder text = new StringBuilder(String.valueOf(e.getMessage()).strip());
        Throwable cause = e.getCause() != null ? e.getCause() : e.getNextException();
        if (cause != null && cause.getMessage() != null && !text.toString().contains(cause.getMessage())) {
            text.append(" (").append(cause.getMessage().strip()).append(")");
        }
        return text.toString().replaceAll("\\s+", " ");
    }
}
