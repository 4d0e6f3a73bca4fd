package org.pgbackup.internal.channel;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.pgbackup.spi.channel.Channel;
import org.pgbackup.spi.channel.ChannelProvider;
import org.pgbackup.spi.channel.ChannelUrl;

/**
 * ntfy push notifications: {@code ntfy://[user:password@]host[:port]/<topic>}, with
 * {@code ?token=} for an access token and {@code ?scheme=http} for a server without TLS;
 * each notice is published as JSON to the server's root, as ntfy documents it, failures at
 * high priority.
 */
public final class NtfyChannels implements ChannelProvider {
    private static final int HIGH = 4;
    private static final int DEFAULT = 3;

    @Override
    public String id() {
        return "ntfy";
    }

    @Override
    public List<String> validate(ChannelUrl url) {
        List<String> problems = new ArrayList<>();
        if (url.host().isEmpty() || url.pathSegments().size() != 1) {
            problems.add("an ntfy channel is ntfy://[user:password@]host/<topic>, such as ntfy://ntfy.sh/my-backups");
        }
        String scheme = url.parameter("scheme").orElse("https");
        if (!scheme.equals("https") && !scheme.equals("http")) {
            problems.add("?scheme= must be https or http, not " + scheme);
        }
        return problems;
    }

    @Override
    public String masked(ChannelUrl url) {
        // The topic is the secret of a public server's channel: anyone who knows it can read it.
        return "ntfy://" + (url.userInfo().isPresent() ? "****@" : "") + url.authorityHost() + "/****";
    }

    @Override
    public Channel open(ChannelUrl url) {
        URI endpoint = URI.create(url.parameter("scheme").orElse("https") + "://" + url.authorityHost() + "/");
        String topic = url.pathSegments().get(0);
        Map<String, String> headers = url.parameter("token").map(token -> Map.of("Authorization", "Bearer " + token))
                .or(() -> url.userInfo().map(info -> Map.of("Authorization", "Basic "
                        + Base64.getEncoder().encodeToString(info.getBytes(StandardCharsets.UTF_8)))))
                .orElse(Map.of());
        JsonPost post = new JsonPost("ntfy");
        return notice -> post.send(endpoint, JsonBody.of(json -> {
            json.writeStringField("topic", topic);
            json.writeStringField("title", notice.title());
            json.writeStringField("message", notice.text());
            json.writeNumberField("priority", notice.failure() ? HIGH : DEFAULT);
            json.writeArrayFieldStart("tags");
            json.writeString(notice.failure() ? "warning" : "white_check_mark");
            json.writeEndArray();
        }), headers);
    }
}
