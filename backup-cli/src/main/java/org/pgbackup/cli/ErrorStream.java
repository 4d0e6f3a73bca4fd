package org.pgbackup.cli;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Standard error of one command line run, which knows how its error lines look: one line
 * each, {@code error: ...}, or a JSON object like the log's with {@code LOG_FORMAT=json}.
 */
final class ErrorStream extends PrintStream {
    private final boolean json;

    ErrorStream(PrintStream err, boolean json) {
        super(err, true, StandardCharsets.UTF_8);
        this.json = json;
    }

    /** Prints an error line; messages are one line each, whatever a quoted tool's output held. */
    void error(String message) {
        String line = Main.oneLine(message);
        println(json ? JsonLogWriter.line(Instant.now(), "ERROR", line, null) : "error: " + line);
    }
}
