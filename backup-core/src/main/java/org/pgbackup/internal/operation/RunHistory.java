package org.pgbackup.internal.operation;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.pgbackup.error.HeldByOtherControllerException;
import org.pgbackup.controller.DumpResult;
import org.pgbackup.controller.RunLog;
import org.pgbackup.controller.RunRecord;
import org.tinylog.Logger;

/**
 * A service's run history, kept in its state directory on the backup volume
 * ({@code runs.json}): the last {@link #LIMIT} dumps, newest first, replaced as a whole
 * through a temporary file and an atomic move, so that a reader (a restarted controller,
 * another one on the same volume) sees the old history or the new one, never half of one.
 * Writers hold the service's lock.
 */
public final class RunHistory {
    /** How many runs are kept. */
    public static final int LIMIT = 500;
    private static final String FILE = "runs.json";
    private static final JsonFactory JSON = new JsonFactory();

    private RunHistory() {
    }

    /**
     * Runs a dump of a service, whose lock the caller holds, and records how it ended,
     * success or failure; the failure goes on to the caller.
     */
    static DumpResult recorded(OperationContext ctx, String service, Supplier<DumpResult> dump) {
        Instant started = ctx.clock().instant();
        Path directory = ctx.config().stateDirectory(service);
        try {
            DumpResult result = dump.get();
            record(directory, new RunRecord(service, started, Duration.between(started, ctx.clock().instant()),
                    result.complete() ? RunRecord.Outcome.OK : RunRecord.Outcome.INCOMPLETE,
                    Optional.of(result.name().fileName()), result.size(), result.storedIn(),
                    result.failedDestinations(), Optional.empty()));
            return result;
        } catch (RuntimeException e) {
            String message = e.getMessage() == null ? e.toString() : e.getMessage();
            record(directory, new RunRecord(service, started, Duration.between(started, ctx.clock().instant()),
                    e instanceof HeldByOtherControllerException ? RunRecord.Outcome.SKIPPED : RunRecord.Outcome.FAILED, Optional.empty(), 0, List.of(), Map.of(),
                    Optional.of(message.lines().findFirst().orElse(message))));
            throw e;
        }
    }

    /** Adds a run at the front and drops what falls past the limit; a failure to write is logged, the run stands. */
    static void record(Path directory, RunRecord run) {
        List<RunRecord> runs = new ArrayList<>(read(directory, run.service()).runs());
        runs.add(0, run);
        Path file = directory.resolve(FILE);
        Path next = directory.resolve(FILE + ".new");
        try {
            Files.createDirectories(directory);
            try (OutputStream out = Files.newOutputStream(next); JsonGenerator json = JSON.createGenerator(out)) {
                json.writeStartArray();
                for (RunRecord kept : runs.subList(0, Math.min(LIMIT, runs.size()))) {
                    write(json, kept);
                }
                json.writeEndArray();
            }
            Files.setPosixFilePermissions(next, OperationContext.DATA_FILES);
            Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            Logger.warn("{}: recording the run in {} failed: {}", run.service(), file, e.getMessage());
        }
    }

    /**
     * The runs kept, newest first, and how many records could not be read: a history cut
     * short (written by hand, or by an older controller killed mid-write) gives the runs before
     * the cut and one unreadable record; no history gives none. An unreadable record is logged.
     */
    public static RunLog read(Path directory, String service) {
        Path file = directory.resolve(FILE);
        List<RunRecord> runs = new ArrayList<>();
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return new RunLog(List.of(), 0);
        } catch (IOException e) {
            Logger.warn("{}: the run history in {} cannot be read: {}", service, file, e.getMessage());
            return new RunLog(List.of(), 1);
        }
        try (JsonParser json = JSON.createParser(content)) {
            if (json.nextToken() != JsonToken.START_ARRAY) {
                throw new IOException("not a list of runs");
            }
            while (json.nextToken() == JsonToken.START_OBJECT) {
                runs.add(readOne(json, service));
            }
            return new RunLog(runs, 0);
        } catch (IOException | RuntimeException e) {
            Logger.warn("{}: the run history in {} is cut short after {} runs; the next run writes it whole: {}",
                    service, file, runs.size(), e.getMessage().lines().findFirst().orElse(""));
            return new RunLog(runs, 1);
        }
    }

    private static void write(JsonGenerator json, RunRecord run) throws IOException {
        json.writeStartObject();
        json.writeStringField("started", run.started().toString());
        json.writeNumberField("durationMillis", run.duration().toMillis());
        json.writeStringField("outcome", run.outcome().name().toLowerCase(Locale.ROOT));
        if (run.archive().isPresent()) {
            json.writeStringField("archive", run.archive().get());
        }
        json.writeNumberField("size", run.size());
        json.writeArrayFieldStart("storedIn");
        for (String destination : run.storedIn()) {
            json.writeString(destination);
        }
        json.writeEndArray();
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

    private static RunRecord readOne(JsonParser json, String service) throws IOException {
        Instant started = null;
        Duration duration = Duration.ZERO;
        RunRecord.Outcome outcome = null;
        String archive = null;
        long size = 0;
        List<String> storedIn = new ArrayList<>();
        Map<String, String> failedIn = new LinkedHashMap<>();
        String error = null;
        while (json.nextToken() == JsonToken.FIELD_NAME) {
            String field = json.currentName();
            JsonToken value = json.nextToken();
            switch (field) {
                case "started" -> started = Instant.parse(json.getText());
                case "durationMillis" -> duration = Duration.ofMillis(json.getLongValue());
                case "outcome" -> outcome = RunRecord.Outcome.valueOf(json.getText().toUpperCase(Locale.ROOT));
                case "archive" -> archive = json.getText();
                case "size" -> size = json.getLongValue();
                case "storedIn" -> {
                    while (json.nextToken() == JsonToken.VALUE_STRING) {
                        storedIn.add(json.getText());
                    }
                }
                case "failedIn" -> {
                    while (json.nextToken() == JsonToken.FIELD_NAME) {
                        String destination = json.currentName();
                        json.nextToken();
                        failedIn.put(destination, json.getText());
                    }
                }
                case "error" -> error = json.getText();
                default -> {
                    // A field of a later version: skipped, so that an older controller still reads the history.
                    if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
                        json.skipChildren();
                    }
                }
            }
        }
        if (started == null || outcome == null) {
            throw new IOException("a run without its start or outcome");
        }
        return new RunRecord(service, started, duration, outcome, Optional.ofNullable(archive), size, storedIn,
                failedIn, Optional.ofNullable(error));
    }
}
