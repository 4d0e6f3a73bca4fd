package org.pgbackup.internal.channel;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.pgbackup.error.ConfigurationException;
import org.pgbackup.internal.plugin.InstalledPlugins;
import org.pgbackup.notify.NoticeEvent;
import org.pgbackup.notify.NotificationChannel;
import org.pgbackup.spi.channel.ChannelProvider;
import org.pgbackup.spi.channel.ChannelUrl;

/** The notification channel providers installed, by URL scheme, and the reading of a channel URL. */
public final class ChannelProviders {
    /** The query parameter the controller keeps for itself on every channel URL. */
    public static final String EVENTS = "events";

    private final Map<String, ChannelProvider> byScheme;

    private ChannelProviders(Map<String, ChannelProvider> byScheme) {
        this.byScheme = byScheme;
    }

    /**
     * Finds every provider on the class path and in the plugins.
     *
     * @throws ConfigurationException if two providers claim one scheme
     */
    public static ChannelProviders installed(InstalledPlugins plugins) {
        return of(plugins.load(ChannelProvider.class, "notification channel provider"));
    }

    /**
     * The given providers.
     *
     * @throws ConfigurationException if two providers claim one scheme
     */
    public static ChannelProviders of(List<ChannelProvider> providers) {
        Map<String, ChannelProvider> byScheme = new TreeMap<>();
        List<String> clashes = new ArrayList<>();
        for (ChannelProvider provider : providers) {
            for (String scheme : provider.schemes()) {
                ChannelProvider previous = byScheme.putIfAbsent(scheme, provider);
                if (previous != null && previous.getClass() != provider.getClass()) {
                    clashes.add("Notification scheme '" + scheme + "://' is claimed by both "
                            + previous.getClass().getName() + " and " + provider.getClass().getName()
                            + ": remove one of the two jars from the classpath");
                }
            }
        }
        if (!clashes.isEmpty()) {
            throw new ConfigurationException(clashes);
        }
        return new ChannelProviders(byScheme);
    }

    /**
     * Reads one channel URL, adding a problem for each thing wrong with it; every problem names
     * {@code where} and the URL with its secrets masked.
     *
     * @param where where the URL was given, such as {@code NOTIFY_URLS entry 2}
     * @param fallbackEvents the events when the URL has no {@code ?events=}
     */
    public Optional<NotificationChannel> read(String text, String where, Set<NoticeEvent> fallbackEvents,
            List<String> problems) {
        ChannelUrl url;
        try {
            url = ChannelUrl.parse(text);
        } catch (IllegalArgumentException e) {
            problems.add("Invalid value for " + where + ": " + e.getMessage());
            return Optional.empty();
        }
        ChannelProvider provider = byScheme.get(url.scheme());
        if (provider == null) {
            problems.add("Invalid value for " + where + " (" + url.masked() + "): no notification channel has the"
                    + " scheme '" + url.scheme() + "'; use one of " + String.join(", ", byScheme.keySet()));
            return Optional.empty();
        }
        String masked = provider.masked(url);
        Set<NoticeEvent> events = EnumSet.noneOf(NoticeEvent.class);
        for (String name : url.parameterList(EVENTS)) {
            NoticeEvent.parse(name).ifPresentOrElse(events::addAll, () -> problems.add("Invalid value for " + where
                    + " (" + masked + "): unknown event '" + name + "' in ?events=; use " + NoticeEvent.names()));
        }
        if (url.parameter(EVENTS).isPresent() && events.isEmpty()) {
            return Optional.empty();
        }
        ChannelUrl own = url.without(Set.of(EVENTS));
        List<String> found = provider.validate(own);
        found.forEach(problem -> problems.add("Invalid value for " + where + " (" + masked + "): " + problem));
        if (!found.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new NotificationChannel(provider, own, events.isEmpty() ? fallbackEvents : events));
    }

    /** Every scheme, sorted. */
    public Set<String> schemes() {
        return byScheme.keySet();
    }
}
