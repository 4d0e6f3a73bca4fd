package org.pgbackup.notify.smtp;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.pgbackup.spi.channel.Channel;
import org.pgbackup.spi.channel.ChannelProvider;
import org.pgbackup.spi.channel.ChannelUrl;

/**
 * E-mail through an SMTP server:
 * {@code smtp://user:password@host:587/?from=backups@example.com&to=ops@example.com,dba@example.com}.
 * {@code smtp://} insists on STARTTLS (port 587 unless given); {@code smtps://} speaks TLS
 * from the first byte (port 465 unless given). {@code ?encryption=none} sends in clear, and
 * is refused with a password: it would cross the network readable. The server's certificate
 * is checked against the JVM's trust store and the host name.
 */
public final class SmtpChannels implements ChannelProvider {
    static final int SUBMISSION_PORT = 587;
    static final int IMPLICIT_TLS_PORT = 465;

    @Override
    public String id() {
        return "smtp";
    }

    @Override
    public Set<String> schemes() {
        return Set.of("smtp", "smtps");
    }

    @Override
    public List<String> validate(ChannelUrl url) {
        List<String> problems = new ArrayList<>();
        if (url.host().isEmpty()) {
            problems.add("an e-mail channel is smtp://user:password@host:587/?from=<address>&to=<address>,…");
        }
        if (url.parameter("from").isEmpty()) {
            problems.add("say who the mail is from: ?from=backups@example.com");
        } else {
            address(url.parameter("from").get(), "?from=", problems);
        }
        if (url.parameterList("to").isEmpty()) {
            problems.add("say who gets the mail: ?to=ops@example.com,…");
        }
        url.parameterList("to").forEach(to -> address(to, "?to=", problems));
        String encryption = encryption(url);
        if (!Set.of("starttls", "tls", "none").contains(encryption)) {
            problems.add("?encryption= must be starttls, tls or none, not " + encryption);
        } else if (encryption.equals("none") && url.password().isPresent()) {
            problems.add("?encryption=none would send the password in clear: use starttls or tls");
        } else if (url.scheme().equals("smtps") && !encryption.equals("tls")) {
            problems.add("smtps:// is TLS from the first byte: leave ?encryption= out, or use smtp://");
        }
        return problems;
    }

    private static void address(String text, String where, List<String> problems) {
        try {
            new InternetAddress(text, true);
        } catch (AddressException e) {
            problems.add(where + " has an address that is not one: " + text);
        }
    }

    /** {@code starttls}, {@code tls} or {@code none}: from {@code ?encryption=}, else the scheme's. */
    static String encryption(ChannelUrl url) {
        return url.parameter("encryption").map(e -> e.toLowerCase(Locale.ROOT))
                .orElse(url.scheme().equals("smtps") ? "tls" : "starttls");
    }

    @Override
    public String masked(ChannelUrl url) {
        return url.scheme() + "://" + (url.userInfo().isPresent() ? url.user().orElse("") + ":****@" : "")
                + url.authorityHost();
    }

    @Override
    public Channel open(ChannelUrl url) {
        return new SmtpChannel(url);
    }
}
