package org.pgbackup.internal.channel;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * POSTs JSON with the JDK's HTTP client, and turns an answer other than 2xx into an
 * {@link IOException} that says what the service answered (never the URL: it holds a token).
 */
final class JsonPost {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final int ANSWER_SHOWN = 200;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final String service;

    /** @param service who answers, for messages: "Slack" */
    JsonPost(String service) {
        this.service = service;
    }

    void send(URI uri, String json, Map<String, String> headers) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(TIMEOUT)
                .header("Content-Type", "application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
        headers.forEach(request::header);
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(service + " was not reached: interrupted", e);
        } catch (IOException e) {
            throw new IOException(service + " was not reached: " + e, e);
        }
        if (response.statusCode() / 100 != 2) {
            String body = response.body().strip().replaceAll("\\s+", " ");
            throw new IOException(service + " answered " + response.statusCode()
                    + (body.isEmpty() ? "" : ": " + (body.length() > ANSWER_SHOWN ? body.substring(0, ANSWER_SHOWN)
                            + "…" : body)));
        }
    }
}
