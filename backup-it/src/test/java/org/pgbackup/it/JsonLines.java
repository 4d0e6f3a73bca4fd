package org.pgbackup.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/** {@code LOG_FORMAT=json} as a log collector reads it: one JSON object per line, nothing else. */
public final class JsonLines {
    private JsonLines() {
    }

    /** Fails unless every line is one whole JSON object. */
    public static void assertEachLineIsOneObject(List<String> lines) {
        for (String line : lines) {
            try (JsonParser json = new JsonFactory().createParser(line)) {
                assertThat(json.nextToken()).as(line).isEqualTo(JsonToken.START_OBJECT);
                json.skipChildren();
                assertThat(json.nextToken()).as("nothing after the object: " + line).isNull();
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + line, e);
            }
        }
    }
}
