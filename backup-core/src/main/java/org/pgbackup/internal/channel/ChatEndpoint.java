package org.pgbackup.internal.channel;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Set;
import org.pgbackup.spi.channel.ChannelUrl;

/**
 * Where a chat service's API is: its public host over HTTPS, unless the URL names a relay with
 * {@code ?host=} (a self-hosted Telegram Bot API server, a proxy, a test's receiver). Plain
 * HTTP ({@code ?scheme=http}) is accepted for a loopback host only: these URLs carry tokens
 * that must not cross a network in clear.
 */
final class ChatEndpoint {
    /** The query parameters every chat channel reads for itself. */
    static final Set<String> PARAMETERS = Set.of("host", "scheme");

    private ChatEndpoint() {
    }

    /** The problems with {@code ?host=} and {@code ?scheme=}. */
    static void check(ChannelUrl url, List<String> problems) {
        String scheme = url.parameter("scheme").orElse("https");
        if (!scheme.equals("https") && !scheme.equals("http")) {
            problems.add("?scheme= must be https or http, not " + scheme);
        } else if (scheme.equals("http") && !loopback(url.parameter("host").orElse(""))) {
            problems.add("?scheme=http is only for a relay on this host (?host=127.0.0.1:<port>): the URL's"
                    + " token would cross the network in clear");
        }
    }

    /** {@code https://<public host>}, or the relay's scheme and host. */
    static URI base(ChannelUrl url, String publicHost) {
        return URI.create(url.parameter("scheme").orElse("https") + "://" + url.parameter("host").orElse(publicHost));
    }

    /** Whether {@code host[:port]} is a literal loopback address or {@code localhost}. */
    static boolean loopback(String hostAndPort) {
        String host = hostAndPort.startsWith("[") ? hostAndPort.substring(1, Math.max(1, hostAndPort.indexOf(']')))
                : hostAndPort.replaceFirst(":\\d*$", "");
        if (host.isEmpty()) {
            return false;
        }
        if (host.equals("localhost")) {
            return true;
        }
        try {
            // Only literal addresses: resolving a name here would ask DNS at configuration time.
            return host.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':')
                    && InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
