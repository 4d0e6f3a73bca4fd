package org.pgbackup.internal.channel;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.pgbackup.spi.channel.Channel;
import org.pgbackup.spi.channel.ChannelProvider;
import org.pgbackup.spi.channel.ChannelUrl;

/**
 * Slack incoming webhooks: {@code slack://<A>/<B>/<C>} for
 * {@code https://hooks.slack.com/services/<A>/<B>/<C>}, posted as Slack documents it
 * ({@code POST} of {@code {"text": …}} in mrkdwn).
 */
public final class SlackChannels implements ChannelProvider {
    @Override
    public String id() {
        return "slack";
    }

    @Override
    public List<String> validate(ChannelUrl url) {
        List<String> problems = new ArrayList<>();
        if (tokens(url).size() != 3) {
            problems.add("a Slack webhook is slack://<A>/<B>/<C>, the three parts after /services/ of the URL"
                    + " Slack gives (https://hooks.slack.com/services/<A>/<B>/<C>)");
        }
        ChatEndpoint.check(url, problems);
        return problems;
    }

    private static List<String> tokens(ChannelUrl url) {
        List<String> tokens = new ArrayList<>();
        tokens.add(url.authorityHost());
        tokens.addAll(url.pathSegments());
        return tokens;
    }

    @Override
    public Channel open(ChannelUrl url) {
        URI endpoint = URI.create(ChatEndpoint.base(url, "hooks.slack.com") + "/services/"
                + String.join("/", tokens(url)));
        JsonPost post = new JsonPost("Slack");
        return notice -> post.send(endpoint, JsonBody.of(json -> json.writeStringField("text",
                "*" + notice.title() + "*\n" + notice.text())), Map.of());
    }
}
