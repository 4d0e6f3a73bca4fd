package org.pgbackup.internal.channel;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.pgbackup.spi.channel.Channel;
import org.pgbackup.spi.channel.ChannelProvider;
import org.pgbackup.spi.channel.ChannelUrl;

/**
 * Discord webhooks: {@code discord://<token>@<webhook id>} for
 * {@code https://discord.com/api/webhooks/<webhook id>/<token>}, posted as Discord documents
 * its Execute Webhook call ({@code {"content": …}}, at most 2000 characters).
 */
public final class DiscordChannels implements ChannelProvider {
    private static final int MAX_CONTENT = 2000;

    @Override
    public String id() {
        return "discord";
    }

    @Override
    public List<String> validate(ChannelUrl url) {
        List<String> problems = new ArrayList<>();
        if (url.userInfo().isEmpty() || !url.pathSegments().isEmpty()) {
            problems.add("a Discord webhook is discord://<token>@<webhook id>, from the URL Discord gives"
                    + " (https://discord.com/api/webhooks/<webhook id>/<token>)");
        }
        ChatEndpoint.check(url, problems);
        return problems;
    }

    @Override
    public Channel open(ChannelUrl url) {
        URI endpoint = URI.create(ChatEndpoint.base(url, "discord.com") + "/api/webhooks/" + url.authorityHost()
                + "/" + url.userInfo().orElseThrow());
        JsonPost post = new JsonPost("Discord");
        return notice -> {
            String content = "**" + notice.title() + "**\n" + notice.text();
            String shown = content.length() > MAX_CONTENT ? content.substring(0, MAX_CONTENT - 1) + "…" : content;
            post.send(endpoint, JsonBody.of(json -> {
                json.writeStringField("content", shown);
                if (url.parameter("username").isPresent()) {
                    json.writeStringField("username", url.parameter("username").get());
                }
            }), Map.of());
        };
    }
}
