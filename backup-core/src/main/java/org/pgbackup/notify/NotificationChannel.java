package org.pgbackup.notify;

import static java.util.Objects.requireNonNull;

import java.util.EnumSet;
import java.util.Set;
import org.pgbackup.spi.channel.Channel;
import org.pgbackup.spi.channel.ChannelProvider;
import org.pgbackup.spi.channel.ChannelUrl;

/**
 * One entry of {@code NOTIFY_URLS}, checked: the provider that serves its scheme, the URL
 * (without {@code ?events=}, which is the controller's), and the events it wants. It holds
 * the URL's secrets; {@link #toString()} masks them.
 */
public final class NotificationChannel {
    private final ChannelProvider provider;
    private final ChannelUrl url;
    private final Set<NoticeEvent> events;

    /**
     * @param provider the provider of the URL's scheme, which accepted it
     * @param url the URL, without {@code events}
     * @param events what the channel is told about
     */
    public NotificationChannel(ChannelProvider provider, ChannelUrl url, Set<NoticeEvent> events) {
        this.provider = requireNonNull(provider, "provider is null");
        this.url = requireNonNull(url, "url is null");
        this.events = Set.copyOf(EnumSet.copyOf(requireNonNull(events, "events is null")));
    }

    /** What the channel is called in metrics: its provider's id, such as {@code slack}. */
    public String id() {
        return provider.id();
    }

    /** Whether the channel wants to hear of an event. */
    public boolean wants(NoticeEvent event) {
        return events.contains(event);
    }

    /** The events the channel wants. */
    public Set<NoticeEvent> events() {
        return events;
    }

    /** Opens the channel; the caller closes it. */
    public Channel open() {
        return provider.open(url);
    }

    /** The URL with its secrets masked, as its provider masks it. */
    public String masked() {
        return provider.masked(url);
    }

    /** {@link #masked()}. */
    @Override
    public String toString() {
        return masked();
    }
}
