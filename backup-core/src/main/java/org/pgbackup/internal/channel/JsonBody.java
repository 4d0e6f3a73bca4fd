package org.pgbackup.internal.channel;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/** A JSON object written with Jackson's streaming generator: the body of a chat service's request. */
public final class JsonBody {
    private static final JsonFactory JSON = new JsonFactory();

    private JsonBody() {
    }

    /** Writes an object's fields; the braces are written around them. */
    public interface Fields {
        void write(JsonGenerator json) throws IOException;
    }

    /** The object with these fields. */
    public static String of(Fields fields) {
        StringWriter out = new StringWriter();
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            fields.write(json);
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
