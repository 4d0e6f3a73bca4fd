package org.pgbackup.cli;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.pgbackup.controller.ProgressListener;

/**
 * Standard error of one command line run, which knows how its error lines look: one line
 * each, {@code error: ...}, or a JSON object like the log's with {@code LOG_FORMAT=json};
 * and whether a progress line may be drawn on it.
 */
final class ErrorStream extends PrintStream {
    private final boolean json;
    private final boolean terminal;

    /**
     * @param terminal whether the stream is a terminal; a progress line is drawn only then,
     *     and never with JSON logs, whose readers are programs
     */
    ErrorStream(PrintStream err, boolean json, boolean terminal) {
        super(err, true, StandardCharsets.UTF_8);
        this.json = json;
        this.terminal = terminal;
    }

    /** A progress line on a terminal; nothing anywhere else. */
    ProgressListener progress() {
        return terminal && !json ? new ProgressLine(this, System::nanoTime) : ProgressListener.NONE;
    }

    /** Prints an error line; messages are one line each, whatever a quoted tool's output held. */
    void error(String message) {
        String line = Main.oneLine(message);
        println(json ? JsonLogWriter.line(Instant.now(), "ERROR", line, null) : "error: " + line);
    }
}
