package org.pgbackup.spi.channel;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * A channel URL of {@code NOTIFY_URLS}, in the style shoutrrr made common
 * ({@code scheme://user:password@host:port/path?name=value}), read into its parts, each
 * decoded. It holds secrets: {@link #toString()} masks them, and so does {@link #masked()}.
 */
public final class ChannelUrl {
    private static final String MASK = "****";

    private final URI uri;
    private final Map<String, String> parameters;

    private ChannelUrl(URI uri, Map<String, String> parameters) {
        this.uri = uri;
        this.parameters = parameters;
    }

    /**
     * Reads a URL.
     *
     * @throws IllegalArgumentException if it is not an absolute URL with a scheme and a host
     *     or user part; the message does not repeat the URL, which may hold a secret
     */
    public static ChannelUrl parse(String text) {
        requireNonNull(text, "text is null");
        URI uri;
        try {
            uri = new URI(text.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("it is not a URL (" + e.getReason()
                    + "; percent-encode characters such as @, : and / inside a password or token)");
        }
        if (uri.getScheme() == null || uri.isOpaque() || uri.getRawAuthority() == null) {
            throw new IllegalArgumentException("it is not of the form scheme://…");
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String name = decode(eq < 0 ? pair : pair.substring(0, eq));
                parameters.put(name, eq < 0 ? "" : decode(pair.substring(eq + 1)));
            }
        }
        return new ChannelUrl(uri, parameters);
    }

    private static String decode(String text) {
        return URLDecoder.decode(text, StandardCharsets.UTF_8);
    }

    /** The scheme, lower case: {@code slack}, {@code generic+https}. */
    public String scheme() {
        return uri.getScheme().toLowerCase(Locale.ROOT);
    }

    /** The host, when the URL has one. */
    public Optional<String> host() {
        return Optional.ofNullable(uri.getHost());
    }

    /** The port, when the URL gives one. */
    public OptionalInt port() {
        return uri.getPort() < 0 ? OptionalInt.empty() : OptionalInt.of(uri.getPort());
    }

    /**
     * The authority's host and port as written, for URLs whose "host" is not a host name
     * (a Slack token, a Discord webhook id).
     */
    public String authorityHost() {
        String authority = uri.getAuthority();
        int at = authority.lastIndexOf('@');
        return at < 0 ? authority : authority.substring(at + 1);
    }

    /** The user, decoded: the part of the user info before the first {@code :}. */
    public Optional<String> user() {
        return userInfo().map(info -> info.contains(":") ? info.substring(0, info.indexOf(':')) : info);
    }

    /** The password, decoded: the part of the user info after the first {@code :}. */
    public Optional<String> password() {
        return userInfo().filter(info -> info.contains(":")).map(info -> info.substring(info.indexOf(':') + 1));
    }

    /** The whole user info, decoded, such as a Telegram bot token {@code 123456:ABC}. */
    public Optional<String> userInfo() {
        return Optional.ofNullable(uri.getUserInfo());
    }

    /** The path's segments, decoded, without empty ones. */
    public List<String> pathSegments() {
        String path = uri.getPath() == null ? "" : uri.getPath();
        return Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList();
    }

    /** The path as written (still encoded), {@code ""} when there is none. */
    public String rawPath() {
        return uri.getRawPath() == null ? "" : uri.getRawPath();
    }

    /** A query parameter's value, decoded; empty when absent or blank. */
    public Optional<String> parameter(String name) {
        return Optional.ofNullable(parameters.get(name)).map(String::trim).filter(v -> !v.isEmpty());
    }

    /** A query parameter's comma-separated values, decoded and trimmed; none when absent. */
    public List<String> parameterList(String name) {
        List<String> values = new ArrayList<>();
        parameter(name).ifPresent(v -> Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .forEach(values::add));
        return values;
    }

    /** The names of the query parameters, in order. */
    public Set<String> parameterNames() {
        return parameters.keySet();
    }

    /**
     * The query as written, without the named parameters, for channels that pass it on
     * (a webhook's signature); {@code ""} when nothing is left, else starting with {@code ?}.
     */
    public String rawQueryWithout(Set<String> names) {
        if (uri.getRawQuery() == null) {
            return "";
        }
        List<String> kept = new ArrayList<>();
        for (String pair : uri.getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            if (!pair.isEmpty() && !names.contains(decode(eq < 0 ? pair : pair.substring(0, eq)))) {
                kept.add(pair);
            }
        }
        return kept.isEmpty() ? "" : "?" + String.join("&", kept);
    }

    /** This URL without the named query parameters. */
    public ChannelUrl without(Set<String> names) {
        Map<String, String> kept = new LinkedHashMap<>(parameters);
        kept.keySet().removeAll(names);
        String text = uri.toString();
        int question = text.indexOf('?');
        String base = question < 0 ? text : text.substring(0, question);
        int hash = text.indexOf('#');
        String fragment = hash < 0 ? "" : text.substring(hash);
        try {
            return new ChannelUrl(new URI(base + rawQueryWithout(names) + fragment), kept);
        } catch (URISyntaxException e) {
            throw new IllegalStateException("a URL without some of its parameters is still a URL", e);
        }
    }

    /** The whole URL, secrets and all: for the channel, never for a log. */
    public URI uri() {
        return uri;
    }

    /**
     * The scheme, and the host when a password is what is secret ({@code smtp://****@mail.example.com});
     * otherwise the scheme alone ({@code slack://****}), since tokens often stand where a host would.
     */
    public String masked() {
        if (password().isPresent() && host().isPresent()) {
            return scheme() + "://" + MASK + "@" + authorityHost() + (rawPath().length() > 1 ? "/" + MASK : "");
        }
        return scheme() + "://" + MASK;
    }

    /** {@link #masked()}. */
    @Override
    public String toString() {
        return masked();
    }
}
