package org.pgbackup.internal.operation;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Optional;
import org.pgbackup.controller.DrillResult;
import org.tinylog.Logger;

/**
 * When a service's last drill passed, kept in its drill state directory on the backup
 * volume, so that {@code health} in another process and a restarted controller know it.
 */
public final class LastDrill {
    private static final String FILE = "last-good-drill";

    private LastDrill() {
    }

    /** Records a drill that passed; a failure to record is logged, the drill stays good. */
    static void record(Path directory, DrillResult result) {
        Path file = directory.resolve(FILE);
        Path next = directory.resolve(FILE + ".new");
        try {
            Files.writeString(next, result.finishedAt() + " " + result.archive() + "\n", StandardCharsets.UTF_8);
            Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            Logger.warn("{}: recording the drill's success in {} failed: {}", result.service(), file, e.getMessage());
        }
    }

    /** When the last good drill finished, if one is recorded. */
    public static Optional<Instant> read(Path directory) {
        try {
            String text = Files.readString(directory.resolve(FILE), StandardCharsets.UTF_8).strip();
            return Optional.of(Instant.parse(text.split(" ", 2)[0]));
        } catch (IOException | DateTimeException e) {
            return Optional.empty();
        }
    }
}
