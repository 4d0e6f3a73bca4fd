package org.pgbackup.cli;

import java.nio.charset.StandardCharsets;
import java.io.UncheckedIOException;
import java.time.Instant;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Collection;
import java.util.EnumSet;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tinylog.core.LogEntry;
import org.tinylog.core.LogEntryValue;
import org.tinylog.writers.Writer;

/**
 * {@code LOG_FORMAT=json}: one JSON object per line on stderr, for log shippers. tinylog's
 * own JSON writer writes to files only. A line about a service starts with the service's
 * name ({@code users: ...}), which becomes the {@code service} field.
 */
public final class JsonLogWriter implements Writer {
    private static final JsonFactory JSON = new JsonFactory();
    private static final Pattern SERVICE = Pattern.compile("^([A-Za-z0-9][A-Za-z0-9_-]*): ");

    private final PrintStream err = System.err;

    /** tinylog passes the writer's properties; none are needed. */
    public JsonLogWriter(Map<String, String> properties) {
    }

    @Override
    public Collection<LogEntryValue> getRequiredLogEntryValues() {
        return EnumSet.of(LogEntryValue.DATE, LogEntryValue.LEVEL, LogEntryValue.MESSAGE, LogEntryValue.EXCEPTION);
    }

    @Override
    public void write(LogEntry entry) {
        String line = line(entry.getTimestamp().toInstant(), entry.getLevel().name(), entry.getMessage(),
                entry.getException());
        synchronized (err) {
            err.println(line);
        }
    }

    /** One log line as a JSON object; a message that starts with a service's name gets a {@code service} field. */
    static String line(Instant time, String level, String message, Throwable exception) {
        String text = message == null ? "" : message;
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        try (JsonGenerator json = JSON.createGenerator(line)) {
            json.writeStartObject();
            json.writeStringField("time", time.toString());
            json.writeStringField("level", level);
            Matcher service = SERVICE.matcher(text);
            if (service.find()) {
                json.writeStringField("service", service.group(1));
            }
            json.writeStringField("message", text);
            if (exception != null) {
                StringWriter trace = new StringWriter();
                exception.printStackTrace(new PrintWriter(trace));
                json.writeStringField("exception", trace.toString());
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return line.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void flush() {
        err.flush();
    }

    @Override
    public void close() {
        err.flush();
    }
}
