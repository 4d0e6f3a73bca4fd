package org.pgbackup.internal.operation;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.pgbackup.error.StorageException;

/**
 * The failure of a directory the controller must write to, said so that an operator can fix
 * it: the directory that refused, who owns it, who the controller runs as, and the
 * {@code chown} that fixes it. The usual cause is a host directory, bind-mounted into the
 * container, that belongs to root while the controller runs as {@code postgres}.
 */
public final class UnwritableDirectory {
    private UnwritableDirectory() {
    }

    /**
     * The exception for a failure to create or write {@code target}.
     *
     * @param what what the controller was doing, such as "open the lock file of service 'db1'"
     */
    static StorageException of(Path target, String what, IOException cause) {
        Optional<Path> refusing = refusing(target);
        if (cause instanceof AccessDeniedException && refusing.isPresent()) {
            // /proc/self belongs to the process's own user and group.
            Optional<Owner> self = Owner.of(Path.of("/proc/self"));
            String ids = self.map(Owner::ids).orElse(System.getProperty("user.name"));
            return new StorageException("Cannot " + what + ": the directory " + refusing.get() + " is owned by "
                    + Owner.of(refusing.get()).map(Owner::toString).orElse("another user") + " and is not writable by"
                    + " the controller, which runs as " + self.map(Owner::toString).orElse(ids) + ". Give it to that"
                    + " user: chown -R " + ids + " " + refusing.get() + " (on the host directory or volume mounted"
                    + " there), or mount an engine-created named volume instead", cause);
        }
        if (cause instanceof FileSystemException fs && fs.getReason() != null
                && fs.getReason().contains("Read-only file system")) {
            return new StorageException("Cannot " + what + ": " + target + " is on a read-only file system. Mount a"
                    + " writable volume there (see README, \"The container\")", cause);
        }
        return new StorageException("Cannot " + what + " (" + target + "): " + cause.getMessage()
                + ". Make that directory writable by the controller's user", cause);
    }

    /** The directory that refused: the innermost existing directory on the way that is not writable. */
    private static Optional<Path> refusing(Path target) {
        for (Path p = target.toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p)) {
                return Files.isWritable(p) ? Optional.empty() : Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** A file's owner as the kernel numbers it, which is what {@code chown} in another container needs. */
    private record Owner(Object uid, Object gid, String name) {
        static Optional<Owner> of(Path path) {
            try {
                return Optional.of(new Owner(Files.getAttribute(path, "unix:uid"), Files.getAttribute(path, "unix:gid"),
                        Files.getOwner(path).getName()));
            } catch (IOException | UnsupportedOperationException | IllegalArgumentException | SecurityException e) {
                return Optional.empty();
            }
        }

        String ids() {
            return uid + ":" + gid;
        }

        @Override
        public String toString() {
            return "uid " + uid + (name.equals(String.valueOf(uid)) ? "" : " (" + name + ")");
        }
    }
}
