package org.pgbackup.internal.wal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What a stored base backup is, in {@code <name>.json} beside its tar: where recovery from it
 * starts and must at least reach, on which timeline, with segments of which size, when it ran,
 * and the stored object's name, size and SHA-256.
 *
 * @param object the stored tar's name, {@code <name>.tar.zst} or {@code .tar.zst.age}
 * @param segmentSize the server's {@code wal_segment_size}
 */
public record BaseBackupManifest(String name, String object, Lsn start, Lsn end, int timeline, long segmentSize,
        Instant started, Instant ended, long size, String sha256) {
    private static final JsonFactory JSON = new JsonFactory();

    /** The manifest as JSON, UTF-8. */
    public byte[] toJson() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator json = JSON.createGenerator(out).useDefaultPrettyPrinter()) {
            json.writeStartObject();
            json.writeStringField("name", name);
            json.writeStringField("object", object);
            json.writeStringField("startLsn", start.toString());
            json.writeStringField("endLsn", end.toString());
            json.writeNumberField("timeline", timeline);
            json.writeNumberField("segmentSize", segmentSize);
            json.writeStringField("started", started.toString());
            json.writeStringField("ended", ended.toString());
            json.writeNumberField("size", size);
            json.writeStringField("sha256", sha256);
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.write('\n');
        return out.toByteArray();
    }

    /** A manifest read back, or empty if the bytes are not one. */
    public static Optional<BaseBackupManifest> parse(byte[] bytes) {
        Map<String, String> fields = new HashMap<>();
        try (JsonParser json = JSON.createParser(bytes)) {
            if (json.nextToken() != JsonToken.START_OBJECT) {
                return Optional.empty();
            }
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                String field = json.currentName();
                json.nextToken();
                fields.put(field, json.getValueAsString());
            }
            return Optional.of(new BaseBackupManifest(fields.get("name"), fields.get("object"),
                    Lsn.parse(fields.get("startLsn")), Lsn.parse(fields.get("endLsn")),
                    Integer.parseInt(fields.get("timeline")), Long.parseLong(fields.get("segmentSize")),
                    Instant.parse(fields.get("started")), Instant.parse(fields.get("ended")),
                    Long.parseLong(fields.get("size")), fields.get("sha256")));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
