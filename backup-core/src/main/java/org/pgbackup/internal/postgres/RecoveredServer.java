package org.pgbackup.internal.postgres;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.pgbackup.error.RestoreFailedException;
import org.pgbackup.internal.process.ProcessResult;
import org.pgbackup.internal.process.ProcessRunner;
import org.pgbackup.internal.process.ProcessSpec;
import org.pgbackup.pitr.PitrRestoreResult.StartedServer;

/**
 * A server started on a directory a point-in-time restore wrote, with the {@code pg_ctl} of the
 * directory's major, on a free port of localhost and no Unix socket: {@code restore-pitr
 * --start}. It waits until the server has recovered and promoted, and reads from its log the
 * commit time of the last transaction it replayed. The server is left running; its log is
 * {@value #LOG} in the directory.
 *
 * <p>PostgreSQL never runs as root: run as root, the directory is given to the owner of the
 * directory it is in, which must not be root either.
 */
public final class RecoveredServer {
    /** The server's log, in its directory. */
    public static final String LOG = "pitr-recovery.log";
    private static final Pattern LAST = Pattern.compile("last completed transaction was at log time (.+)");
    private static final String PROMOTED = "database system is ready to accept connections";
    private static final Duration POLL = Duration.ofMillis(200);

    private RecoveredServer() {
    }

    /**
     * Starts the server and waits for its promotion.
     *
     * @param timeout how long recovery may take
     * @throws RestoreFailedException if it cannot start, or does not promote in time; the
     *     message quotes the end of its log
     */
    public static StartedServer start(Path directory, PgBinaries binaries, ProcessRunner runner, Duration timeout) {
        Path log = directory.resolve(LOG);
        try {
            int major = Integer.parseInt(Files.readString(directory.resolve("PG_VERSION")).strip());
            Path pgCtl = binaries.exactly("pg_ctl", major);
            List<String> command = new ArrayList<>(owner(directory));
            int port = freePort();
            command.addAll(List.of(pgCtl.toString(), "--pgdata=" + directory, "--log=" + log, "--wait",
                    "--timeout=" + Math.max(1, timeout.toSeconds()), "-o", "-c port=" + port
                            + " -c listen_addresses=localhost -c unix_socket_directories='' -c lc_messages=C",
                    "start"));
            ProcessResult started = runner.run(ProcessSpec.of(command, Map.of("LC_MESSAGES", "C"),
                    timeout.plusMinutes(1)));
            if (!started.succeeded()) {
                throw new RestoreFailedException("The restored server in " + directory + " did not start: "
                        + started.failure() + tail(log));
            }
            long deadline = System.nanoTime() + timeout.toNanos();
            String text = read(log);
            while (!text.contains(PROMOTED)) {
                if (System.nanoTime() > deadline || text.contains("FATAL")) {
                    throw new RestoreFailedException("The restored server in " + directory + " did not finish"
                            + " recovery and promote within " + timeout.toSeconds() + " s" + tail(log));
                }
                Thread.sleep(POLL.toMillis());
                text = read(log);
            }
            Matcher last = LAST.matcher(text);
            String replayed = null;
            while (last.find()) {
                replayed = last.group(1).strip();
            }
            return new StartedServer(port, Optional.ofNullable(replayed), log);
        } catch (IOException | NumberFormatException e) {
            throw new RestoreFailedException("The restored server in " + directory + " could not be started: "
                    + e.getMessage() + tail(log), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RestoreFailedException("Interrupted while the restored server in " + directory
                    + " recovered; it may still be running", e);
        }
    }

    /**
     * The words that run {@code pg_ctl} as the directory's owner: itself when not root; as root,
     * the owner of the directory above, given the tree first.
     */
    private static List<String> owner(Path directory) throws IOException {
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
        if (OwnerSwitch.self() != 0) {
            return List.of();
        }
        Path parent = directory.toAbsolutePath().getParent();
        int uid = (Integer) Files.getAttribute(parent, "unix:uid");
        int gid = (Integer) Files.getAttribute(parent, "unix:gid");
        if (uid == 0) {
            throw new RestoreFailedException("PostgreSQL does not run as root, and " + parent + " belongs to root:"
                    + " the restore is written in " + directory + " but was not started. Start it as the server's"
                    + " user, or restore --into a directory whose parent belongs to that user");
        }
        Files.walkFileTree(directory, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                give(dir, uid, gid);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                give(file, uid, gid);
                return FileVisitResult.CONTINUE;
            }
        });
        return OwnerSwitch.as(uid, gid, "pg_ctl for " + directory);
    }

    private static void give(Path path, int uid, int gid) throws IOException {
        Files.setAttribute(path, "unix:uid", uid);
        Files.setAttribute(path, "unix:gid", gid);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String read(Path log) throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    private static String tail(Path log) {
        try {
            List<String> lines = read(log).lines().toList();
            return lines.isEmpty() ? "" : "; its log " + log + " ends: " + String.join(" | ",
                    lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        } catch (IOException e) {
            return "";
        }
    }
}
