package org.pgbackup.internal.operation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import org.pgbackup.error.ResetWalFailedException;

/**
 * The copy {@code resetwal} makes before it changes anything: the control file and the
 * WAL, transaction-status and multixact directories, so that an expert can undo the reset.
 */
public final class WalSave {
    private static final List<String> SAVED = List.of("global/pg_control", "pg_wal", "pg_xact", "pg_multixact");
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    private WalSave() {
    }

    /**
     * Copies the files aside, and moves a stale {@code postmaster.pid} there too.
     *
     * @return the directory holding the copy
     */
    static Path copyAside(Path dataDirectory, Path saves, Instant now, Optional<Path> stalePid) {
        Path target = saves.resolve(STAMP.format(now));
        try {
            Files.createDirectories(target);
            Files.setPosixFilePermissions(saves, PosixFilePermissions.fromString("rwx------"));
            for (String relative : SAVED) {
                DirectoryContents.copy(dataDirectory.resolve(relative), target.resolve(relative));
            }
            if (stalePid.isPresent()) {
                Files.move(stalePid.get(), target.resolve("postmaster.pid"), StandardCopyOption.REPLACE_EXISTING);
            }
            return target;
        } catch (IOException e) {
            throw new ResetWalFailedException("Saving the control data and WAL of " + dataDirectory + " to " + target
                    + " failed, so nothing was reset: " + e.getMessage() + ". Free space there or fix its permissions");
        }
    }
}
