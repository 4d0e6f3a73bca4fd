package org.pgbackup.internal.channel;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pgbackup.spi.channel.Channel;
import org.pgbackup.spi.channel.ChannelProvider;
import org.pgbackup.spi.channel.ChannelUrl;

/**
 * Microsoft Teams, through a Workflows webhook ("Post to a channel when a webhook request is
 * received"), which replaced the retired Office 365 connectors: {@code teams://} followed by
 * the webhook URL without its {@code https://}. Each notice is a message with one Adaptive
 * Card, the form the workflow expects.
 */
public final class TeamsChannels implements ChannelProvider {
    @Override
    public String id() {
        return "teams";
    }

    @Override
    public List<String> validate(ChannelUrl url) {
        List<String> problems = new ArrayList<>();
        if (url.host().isEmpty() || url.pathSegments().isEmpty()) {
            problems.add("a Teams channel is teams:// followed by the workflow's webhook URL without https://"
                    + " (teams://prod-00.westeurope.logic.azure.com:443/workflows/…)");
        }
        String scheme = url.parameter("scheme").orElse("https");
        if (scheme.equals("http") ? !ChatEndpoint.loopback(url.authorityHost()) : !scheme.equals("https")) {
            problems.add("?scheme= must be https (or http for a receiver on this host, whose token would"
                    + " otherwise cross the network in clear)");
        }
        return problems;
    }

    @Override
    public String masked(ChannelUrl url) {
        return "teams://" + url.authorityHost() + "/****";
    }

    @Override
    public Channel open(ChannelUrl url) {
        URI endpoint = URI.create(url.parameter("scheme").orElse("https") + "://" + url.authorityHost()
                + url.rawPath() + url.rawQueryWithout(Set.of("scheme")));
        JsonPost post = new JsonPost("Teams");
        return notice -> post.send(endpoint, JsonBody.of(json -> {
            json.writeStringField("type", "message");
            json.writeArrayFieldStart("attachments");
            json.writeStartObject();
            json.writeStringField("contentType", "application/vnd.microsoft.card.adaptive");
            json.writeObjectFieldStart("content");
            json.writeStringField("$schema", "http://adaptivecards.io/schemas/adaptive-card.json");
            json.writeStringField("type", "AdaptiveCard");
            json.writeStringField("version", "1.4");
            json.writeArrayFieldStart("body");
            json.writeStartObject();
            json.writeStringField("type", "TextBlock");
            json.writeStringField("text", notice.title());
            json.writeStringField("weight", "Bolder");
            json.writeStringField("size", "Medium");
            json.writeStringField("color", notice.failure() ? "Attention" : "Good");
            json.writeBooleanField("wrap", true);
            json.writeEndObject();
            json.writeStartObject();
            json.writeStringField("type", "TextBlock");
            json.writeStringField("text", notice.text());
            json.writeBooleanField("wrap", true);
            json.writeEndObject();
            json.writeEndArray();
            json.writeEndObject();
            json.writeEndObject();
            json.writeEndArray();
        }), Map.of());
    }
}
