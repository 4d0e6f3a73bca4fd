package org.pgbackup.internal.operation;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.pgbackup.error.ServiceBusyException;
import org.pgbackup.error.StorageException;
import org.tinylog.Logger;

/**
 * One operation per service at a time: a file lock in the service's state directory, on its
 * backup volume, held by a dump, a restore or a WAL reset for its whole length. It covers
 * every controller process that mounts that volume; the operating system releases it when a
 * process dies, so a crash never leaves a service locked. A second operation waits a bounded
 * time, then fails naming the holder.
 */
public final class ServiceLock implements AutoCloseable {
    private static final long POLL_MILLIS = 200;
    private static final Set<PosixFilePermission> PRIVATE = PosixFilePermissions.fromString("rwx------");

    private final FileChannel channel;
    private final FileLock lock;

    private ServiceLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static ServiceLock acquire(Path directory, String service, String operation, Duration wait) {
        Path file = directory.resolve("lock");
        FileChannel channel;
        try {
            createPrivateDirectories(directory);
            channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE), PosixFilePermissions.asFileAttribute(
                            PosixFilePermissions.fromString("rw-------")));
        } catch (IOException e) {
            throw UnwritableDirectory.of(file, "open the lock file of service '" + service + "'", e);
        }
        Instant deadline = Instant.now().plus(wait);
        boolean said = false;
        try {
            while (true) {
                FileLock lock = tryLock(channel);
                if (lock != null) {
                    String holder = operation + " by process " + ProcessHandle.current().pid() + " since "
                            + Instant.now();
                    channel.truncate(0);
                    channel.write(ByteBuffer.wrap(holder.getBytes(StandardCharsets.UTF_8)), 0);
                    return new ServiceLock(channel, lock);
                }
                String holder = holder(file);
                if (Instant.now().isAfter(deadline)) {
                    channel.close();
                    throw new ServiceBusyException("Service '" + service + "' is busy: " + holder + " holds its lock;"
                            + " waited " + wait.toSeconds() + "s. Run the " + operation + " again when that has"
                            + " finished, or raise LOCK_WAIT_SECONDS");
                }
                if (!said) {
                    Logger.info("{}: waiting up to {}s for the lock held by {}", service, wait.toSeconds(), holder);
                    said = true;
                }
                Thread.sleep(POLL_MILLIS);
            }
        } catch (IOException e) {
            closeQuietly(channel);
            throw new StorageException("Cannot lock " + file + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            closeQuietly(channel);
            Thread.currentThread().interrupt();
            throw new ServiceBusyException("Interrupted while waiting for the lock of service '" + service + "'");
        }
    }

    /**
     * The state directory and the service directory holding it, 0700: they hold archives. A
     * service directory that a container engine made for a volume (0755) is narrowed too.
     */
    private static void createPrivateDirectories(Path directory) throws IOException {
        Path serviceDirectory = directory.getParent();
        Files.createDirectories(serviceDirectory.getParent());
        for (Path dir : List.of(serviceDirectory, directory)) {
            try {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PRIVATE));
            } catch (FileAlreadyExistsException existing) {
                // Made before, by an engine for a volume, or by another controller at the same moment.
            }
            if (!Files.getPosixFilePermissions(dir).equals(PRIVATE) && Files.isWritable(dir)) {
                // The umask may have narrowed the mode given at creation; an engine may have widened it.
                try {
                    Files.setPosixFilePermissions(dir, PRIVATE);
                } catch (FileSystemException notOwner) {
                    Logger.warn("{}: cannot make {} private (mode 0700): {}", dir.getFileName(), dir,
                            notOwner.getMessage());
                }
            }
        }
    }

    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            // This JVM holds it already, for another operation on the same service.
            return null;
        }
    }

    private static String holder(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8).strip();
            return text.isEmpty() ? "another operation" : text;
        } catch (IOException e) {
            return "another operation";
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // Closing releases any lock; nothing more to do.
        }
    }

    @Override
    public void close() {
        try {
            channel.truncate(0);
            lock.release();
        } catch (IOException e) {
            Logger.debug("Releasing a service lock: {}", e.getMessage());
        } finally {
            closeQuietly(channel);
        }
    }
}
