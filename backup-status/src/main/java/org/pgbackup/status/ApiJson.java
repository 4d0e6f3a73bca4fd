package org.pgbackup.status;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.pgbackup.controller.ArchiveInfo;
import org.pgbackup.controller.RunLog;
import org.pgbackup.controller.RunRecord;

/**
 * The JSON of {@code /api/v1}: the same facts as the page, in fields that stay once
 * published. Times are ISO-8601 instants, sizes bytes, durations milliseconds.
 */
final class ApiJson {
    private static final JsonFactory JSON = new JsonFactory();

    /** Writes one value of the API. */
    @FunctionalInterface
    interface Body {
        void write(JsonGenerator json) throws IOException;
    }

    private ApiJson() {
    }

    static byte[] of(Body body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            body.write(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static byte[] error(String message) {
        return of(json -> {
            json.writeStartObject();
            json.writeStringField("error", message);
            json.writeEndObject();
        });
    }

    static void services(JsonGenerator json, List<ServiceStatus> rows) throws IOException {
        json.writeStartObject();
        json.writeArrayFieldStart("services");
        ServiceStatus current = null;
        for (ServiceStatus row : rows) {
            if (row.database().isEmpty()) {
                if (current != null) {
                    json.writeEndArray();
                    json.writeEndObject();
                }
                current = row;
                json.writeStartObject();
                status(json, row);
                json.writeArrayFieldStart("databases");
            } else {
                json.writeStartObject();
                json.writeStringField("database", row.database().get());
                status(json, row);
                json.writeEndObject();
            }
        }
        if (current != null) {
            json.writeEndArray();
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeEndObject();
    }

    private static void status(JsonGenerator json, ServiceStatus row) throws IOException {
        if (row.database().isEmpty()) {
            json.writeStringField("name", row.service());
        }
        json.writeStringField("status", row.status().label());
        json.writeStringField("detail", row.detail());
        if (row.newest().isPresent()) {
            json.writeFieldName("newest");
            archive(json, row.newest().get());
        }
        json.writeArrayFieldStart("missingFrom");
        for (String destination : row.missingFrom()) {
            json.writeString(destination);
        }
        json.writeEndArray();
        if (row.database().isEmpty()) {
            if (row.running().isPresent()) {
                json.writeObjectFieldStart("running");
                json.writeStringField("started", row.running().get().started().toString());
                json.writeNumberField("bytes", row.running().get().bytes());
                json.writeEndObject();
            }
            if (row.lastRun().isPresent()) {
                json.writeFieldName("lastRun");
                run(json, row.lastRun().get());
            }
            instant(json, "nextRun", row.nextRun());
            instant(json, "lastDrill", row.lastDrill());
        }
    }

    private static void instant(JsonGenerator json, String field, Optional<Instant> value) throws IOException {
        if (value.isPresent()) {
            json.writeStringField(field, value.get().toString());
        }
    }

    static void archive(JsonGenerator json, ArchiveInfo archive) throws IOException {
        json.writeStartObject();
        json.writeStringField("path", archive.path());
        if (archive.database().isPresent()) {
            json.writeStringField("database", archive.database().get());
        }
        json.writeStringField("kind", archive.name().kind().label());
        json.writeStringField("created", archive.name().createdAt().toString());
        json.writeNumberField("size", archive.size());
        json.writeBooleanField("complete", archive.complete());
        strings(json, "locations", archive.locations());
        strings(json, "incompleteIn", archive.incompleteIn());
        instant(json, "removableAfter", archive.removableAfter());
        if (archive.manifest().isPresent()) {
            json.writeStringField("sha256", archive.manifest().get().sha256());
        }
        json.writeEndObject();
    }

    static void archives(JsonGenerator json, List<ArchiveInfo> archives, Map<String, String> unreadable)
            throws IOException {
        json.writeStartObject();
        json.writeArrayFieldStart("archives");
        for (ArchiveInfo archive : archives) {
            archive(json, archive);
        }
        json.writeEndArray();
        json.writeObjectFieldStart("unreadableDestinations");
        for (Map.Entry<String, String> entry : unreadable.entrySet()) {
            json.writeStringField(entry.getKey(), entry.getValue());
        }
        json.writeEndObject();
        json.writeEndObject();
    }

    static void runs(JsonGenerator json, RunLog log) throws IOException {
        json.writeStartObject();
        json.writeArrayFieldStart("runs");
        for (RunRecord run : log.runs()) {
            run(json, run);
        }
        json.writeEndArray();
        json.writeNumberField("unreadableRecords", log.unreadable());
        json.writeEndObject();
    }

    static void run(JsonGenerator json, RunRecord run) throws IOException {
        json.writeStartObject();
        json.writeStringField("started", run.started().toString());
        json.writeNumberField("durationMillis", run.duration().toMillis());
        json.writeStringField("outcome", run.outcome().name().toLowerCase(Locale.ROOT));
        if (run.archive().isPresent()) {
            json.writeStringField("archive", run.archive().get());
        }
        json.writeNumberField("size", run.size());
        strings(json, "storedIn", run.storedIn());
        json.writeObjectFieldStart("failedIn");
        for (Map.Entry<String, String> failed : run.failedIn().entrySet()) {
            json.writeStringField(failed.getKey(), failed.getValue());
        }
        json.writeEndObject();
        if (run.error().isPresent()) {
            json.writeStringField("error", run.error().get());
        }
        json.writeEndObject();
    }

    static void manualRun(JsonGenerator json, ManualDumps.ManualRun run, Optional<ServiceState.Running> progress)
            throws IOException {
        json.writeStartObject();
        json.writeStringField("id", run.id());
        json.writeStringField("service", run.service());
        json.writeStringField("state", run.state());
        json.writeStringField("href", "/api/v1/runs/" + run.id());
        json.writeStringField("started", run.started().toString());
        instant(json, "finished", run.finished());
        if (run.state().equals("running") && progress.isPresent()) {
            json.writeNumberField("bytes", progress.get().bytes());
        }
        if (run.result().isPresent()) {
            json.writeStringField("archive", run.result().get().name().fileName());
            json.writeNumberField("size", run.result().get().size());
            json.writeStringField("sha256", run.result().get().sha256());
            strings(json, "storedIn", run.result().get().storedIn());
        }
        if (run.error().isPresent()) {
            json.writeStringField("error", run.error().get());
        }
        json.writeEndObject();
    }

    private static void strings(JsonGenerator json, String field, List<String> values) throws IOException {
        json.writeArrayFieldStart(field);
        for (String value : values) {
            json.writeString(value);
        }
        json.writeEndArray();
    }
}
