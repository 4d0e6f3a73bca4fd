package org.pgbackup.internal.channel;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pgbackup.spi.channel.Channel;
import org.pgbackup.spi.channel.ChannelProvider;
import org.pgbackup.spi.channel.ChannelUrl;

/**
 * Any HTTP endpoint: {@code generic+https://host/path?…} (or {@code generic+http://}) gets
 * each notice's JSON event, the one {@code NOTIFY_WEBHOOK_URL} has always received, by
 * {@code POST} to {@code https://host/path?…}.
 */
public final class WebhookChannels implements ChannelProvider {
    @Override
    public String id() {
        return "generic";
    }

    @Override
    public Set<String> schemes() {
        return Set.of("generic+https", "generic+http");
    }

    @Override
    public List<String> validate(ChannelUrl url) {
        return url.host().isPresent() ? List.of()
                : List.of("a webhook is generic+https://host/path, the URL to POST to after generic+");
    }

    @Override
    public String masked(ChannelUrl url) {
        // Webhook paths usually hold the token.
        return url.scheme() + "://" + url.authorityHost() + "/****";
    }

    @Override
    public Channel open(ChannelUrl url) {
        URI endpoint = endpoint(url);
        JsonPost post = new JsonPost("the webhook");
        return notice -> post.send(endpoint, notice.json(), Map.of());
    }

    /** The URL to post to: the channel URL without {@code generic+}. */
    public static URI endpoint(ChannelUrl url) {
        String text = url.uri().toString();
        return URI.create(text.substring(text.indexOf('+') + 1));
    }
}
