package org.pgbackup.notify;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.pgbackup.controller.DrillResult;
import org.pgbackup.controller.DumpResult;
import org.pgbackup.controller.RunListener;
import org.pgbackup.error.BackupException;
import org.pgbackup.naming.BackupKind;
import org.tinylog.Logger;

/**
 * Tells the outside world about scheduled runs, with the JDK's HTTP client: a JSON event to
 * {@code NOTIFY_WEBHOOK_URL} for each service whose run fails (and succeeds, with
 * {@code NOTIFY_ON=all}), and healthchecks.io-style pings to {@code HEALTHCHECK_PING_URL}:
 * {@code /start} when a run begins, the URL itself when every service succeeded,
 * {@code /fail} otherwise. Restore drills post {@code drill.failed}, and
 * {@code drill.succeeded} with {@code NOTIFY_ON=all}. A service with a ping URL of its own
 * ({@code <PREFIX>_HEALTHCHECK_PING_URL}) gets the same three for its own dump, so that each
 * database can have its own monitor. A notification that fails is logged; it never fails a
 * backup.
 */
public final class Notifications implements RunListener {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final JsonFactory JSON = new JsonFactory();

    private final Optional<URI> webhook;
    private final boolean onSuccess;
    private final Optional<URI> ping;
    private final Map<String, URI> servicePings;
    private final Clock clock;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    /**
     * @param webhook where to POST events
     * @param onSuccess whether successes are posted too ({@code NOTIFY_ON=all})
     * @param ping the healthchecks.io-style ping URL
     */
    public Notifications(Optional<URI> webhook, boolean onSuccess, Optional<URI> ping, Clock clock) {
        this(webhook, onSuccess, ping, Map.of(), clock);
    }

    /**
     * @param webhook where to POST events
     * @param onSuccess whether successes are posted too ({@code NOTIFY_ON=all})
     * @param ping the run-wide healthchecks.io-style ping URL
     * @param servicePings each service's own ping URL, for those that have one
     */
    public Notifications(Optional<URI> webhook, boolean onSuccess, Optional<URI> ping, Map<String, URI> servicePings,
            Clock clock) {
        this.webhook = webhook;
        this.onSuccess = onSuccess;
        this.ping = ping;
        this.servicePings = Map.copyOf(servicePings);
        this.clock = clock;
    }

    @Override
    public void serviceStarted(String service) {
        servicePing(service, "/start");
    }

    /** Pings a service's own URL, with a suffix or none. */
    private void servicePing(String service, String suffix) {
        Optional.ofNullable(servicePings.get(service)).ifPresent(url -> get(suffix.isEmpty() ? url
                : withSuffix(url, suffix)));
    }

    @Override
    public void runStarted() {
        ping.ifPresent(url -> get(withSuffix(url, "/start")));
    }

    @Override
    public void runFinished(boolean allSucceeded) {
        ping.ifPresent(url -> get(allSucceeded ? url : withSuffix(url, "/fail")));
    }

    @Override
    public void serviceSucceeded(DumpResult result, Map<String, Integer> archives) {
        servicePing(result.service(), result.complete() ? "" : "/fail");
        if (webhook.isEmpty() || !onSuccess && result.complete()) {
            return;
        }
        post(event(json -> {
            json.writeStringField("event", result.complete() ? "backup.succeeded" : "backup.incomplete");
            json.writeStringField("service", result.service());
            json.writeStringField("kind", result.name().kind().label());
            json.writeStringField("archive", result.name().fileName());
            json.writeNumberField("sizeBytes", result.size());
            json.writeNumberField("durationMillis", result.duration().toMillis());
            json.writeArrayFieldStart("storedIn");
            for (String destination : result.storedIn()) {
                json.writeString(destination);
            }
            json.writeEndArray();
            json.writeObjectFieldStart("failedDestinations");
            for (Map.Entry<String, String> failed : result.failedDestinations().entrySet()) {
                json.writeStringField(failed.getKey(), failed.getValue());
            }
            json.writeEndObject();
        }));
    }

    @Override
    public void serviceFailed(String service, BackupKind kind, Duration duration, BackupException failure) {
        servicePing(service, "/fail");
        webhook.ifPresent(url -> post(event(json -> {
            json.writeStringField("event", "backup.failed");
            json.writeStringField("service", service);
            json.writeStringField("kind", kind.label());
            json.writeNumberField("durationMillis", duration.toMillis());
            json.writeStringField("error", failure.getMessage());
        })));
    }

    @Override
    public void drillSucceeded(DrillResult result) {
        if (webhook.isEmpty() || !onSuccess) {
            return;
        }
        post(event(json -> {
            json.writeStringField("event", "drill.succeeded");
            json.writeStringField("service", result.service());
            json.writeStringField("archive", result.archive());
            json.writeStringField("server", result.server());
            json.writeNumberField("tables", result.tables());
            json.writeNumberField("rowCountsCompared", result.rowCountsCompared());
            json.writeNumberField("durationMillis", result.duration().toMillis());
        }));
    }

    @Override
    public void drillFailed(String service, BackupException failure) {
        webhook.ifPresent(url -> post(event(json -> {
            json.writeStringField("event", "drill.failed");
            json.writeStringField("service", service);
            json.writeStringField("error", failure.getMessage());
        })));
    }

    private interface Fields {
        void write(JsonGenerator json) throws IOException;
    }

    private byte[] event(Fields fields) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            fields.write(json);
            json.writeStringField("time", clock.instant().toString());
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private void post(byte[] body) {
        send(HttpRequest.newBuilder(webhook.orElseThrow()).timeout(TIMEOUT).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), "the webhook");
    }

    private void get(URI url) {
        send(HttpRequest.newBuilder(url).timeout(TIMEOUT).GET().build(), "the health-check ping");
    }

    private void send(HttpRequest request, String what) {
        try {
            HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() >= 300) {
                Logger.warn("Notifying {} failed: it answered {}", what, response.statusCode());
            }
        } catch (IOException e) {
            Logger.warn("Notifying {} failed: {}", what, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            Logger.warn("Notifying {} was interrupted", what);
        }
    }

    private static URI withSuffix(URI url, String suffix) {
        String text = url.toString();
        return URI.create((text.endsWith("/") ? text.substring(0, text.length() - 1) : text) + suffix);
    }
}
