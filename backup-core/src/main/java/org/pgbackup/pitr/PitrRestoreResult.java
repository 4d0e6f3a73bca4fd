package org.pgbackup.pitr;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * A restore to a point in time, written.
 *
 * @param service the service
 * @param directory the restored data directory: a server started on it recovers to the target
 *     and promotes, with no controller beside it
 * @param destination the destination it was read from
 * @param baseBackup the base backup it starts from
 * @param walFiles how many archived WAL files were fetched into it
 * @param target the moment it recovers to; empty for as far as the archive went
 * @param movedAside where the directory's earlier contents were moved, if it had any
 * @param started the server started on it ({@link PitrRestoreOptions#start()}), if one was
 */
public record PitrRestoreResult(String service, Path directory, String destination, BaseBackupInfo baseBackup,
        int walFiles, Optional<Instant> target, Optional<Path> movedAside, Optional<StartedServer> started) {

    public PitrRestoreResult {
        requireNonNull(service, "service is null");
        requireNonNull(directory, "directory is null");
        requireNonNull(destination, "destination is null");
        requireNonNull(baseBackup, "baseBackup is null");
        requireNonNull(target, "target is null");
        requireNonNull(movedAside, "movedAside is null");
        requireNonNull(started, "started is null");
    }

    /**
     * The server a restore started, left running.
     *
     * @param port the TCP port it listens on, on localhost
     * @param lastReplayed the commit time of the last transaction it replayed, as its log
     *     reported it; empty if it replayed none
     * @param log the server's log file
     */
    public record StartedServer(int port, Optional<String> lastReplayed, Path log) {

        public StartedServer {
            requireNonNull(lastReplayed, "lastReplayed is null");
            requireNonNull(log, "log is null");
        }
    }
}
