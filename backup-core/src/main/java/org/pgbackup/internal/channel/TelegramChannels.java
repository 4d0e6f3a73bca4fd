package org.pgbackup.internal.channel;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.pgbackup.spi.channel.Channel;
import org.pgbackup.spi.channel.ChannelProvider;
import org.pgbackup.spi.channel.ChannelUrl;

/**
 * Telegram bots: {@code telegram://<bot token>@telegram?chats=<chat>,<chat>}, each chat an id
 * or an {@code @channel}; each notice is a Bot API {@code sendMessage} call to each chat.
 */
public final class TelegramChannels implements ChannelProvider {
    @Override
    public String id() {
        return "telegram";
    }

    @Override
    public List<String> validate(ChannelUrl url) {
        List<String> problems = new ArrayList<>();
        if (url.userInfo().filter(token -> token.contains(":")).isEmpty()) {
            problems.add("a Telegram channel is telegram://<bot token>@telegram?chats=<chat id or @channel>, the"
                    + " token as BotFather gives it (<digits>:<letters>)");
        }
        if (url.parameterList("chats").isEmpty()) {
            problems.add("say which chats to write to: ?chats=<chat id or @channel>,…");
        }
        ChatEndpoint.check(url, problems);
        return problems;
    }

    @Override
    public Channel open(ChannelUrl url) {
        URI endpoint = URI.create(ChatEndpoint.base(url, "api.telegram.org") + "/bot" + url.userInfo().orElseThrow()
                + "/sendMessage");
        List<String> chats = url.parameterList("chats");
        JsonPost post = new JsonPost("Telegram");
        return notice -> {
            for (String chat : chats) {
                post.send(endpoint, JsonBody.of(json -> {
                    json.writeStringField("chat_id", chat);
                    json.writeStringField("text", notice.title() + "\n\n" + notice.text());
                }), Map.of());
            }
        };
    }
}
