package org.pgbackup.spi.channel;

import java.util.List;
import java.util.Set;

/**
 * Opens channels of one kind. Implementations need a public no-argument constructor and are
 * listed in {@code META-INF/services/org.pgbackup.spi.channel.ChannelProvider}.
 *
 * <p>A provider sees only its own URLs: never a database password, a storage setting or
 * another channel's URL.
 */
public interface ChannelProvider {

    /**
     * What this provider's channels are called in metrics and logs
     * ({@code pgbackup_notifications_total{channel="slack"}}), and its URL scheme unless
     * {@link #schemes} says otherwise: lower-case letters, digits, {@code +} and {@code -}.
     */
    String id();

    /**
     * The URL schemes this provider claims in {@code NOTIFY_URLS}, lower case, such as
     * {@code smtp} and {@code smtps}. No two providers may claim one scheme.
     */
    default Set<String> schemes() {
        return Set.of(id());
    }

    /**
     * Checks a URL. Each problem is one sentence that says what is wrong and how to fix it,
     * and never repeats a secret of the URL (use {@link ChannelUrl#masked()}); the
     * controller prefixes it with the URL's place in {@code NOTIFY_URLS}.
     *
     * @return the problems found; empty when the URL is usable
     */
    default List<String> validate(ChannelUrl url) {
        return List.of();
    }

    /**
     * The URL with its secrets masked, for logs and messages: by default the scheme and
     * host when the URL has a password, only the scheme otherwise (so a token in the host
     * or path is never shown). Providers whose host is not a secret show more.
     */
    default String masked(ChannelUrl url) {
        return url.masked();
    }

    /**
     * Opens a channel for a URL that {@link #validate} accepted. It should not contact the
     * service yet: the first {@link Channel#send} does.
     */
    Channel open(ChannelUrl url);
}
