package org.pgbackup.storage.local;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.pgbackup.spi.AbstractPendingObject;
import org.pgbackup.spi.PendingObject;
import org.pgbackup.spi.Storage;
import org.pgbackup.spi.StoredObject;
import org.tinylog.Logger;

/**
 * Objects as files in {@code <root>/<service>/<name>}, and those of a service's directory in
 * {@code <root>/<service>/<directory>/<name>}. A write goes to a hidden temporary
 * file in the same directory, is forced to disk, then renamed over the final name, so a
 * listing never shows a partial file and a crash leaves at worst a hidden temporary file.
 */
public final class LocalStorage implements Storage {
    /** Temporary files start with this, and listings skip every hidden name. */
    static final String TEMP_PREFIX = ".tmp-";

    private final Path root;
    private final Set<PosixFilePermission> filePermissions;
    private final Set<PosixFilePermission> directoryPermissions;

    public LocalStorage(Path root, Set<PosixFilePermission> filePermissions,
            Set<PosixFilePermission> directoryPermissions) {
        this.root = root.toAbsolutePath().normalize();
        this.filePermissions = Set.copyOf(filePermissions);
        this.directoryPermissions = Set.copyOf(directoryPermissions);
    }

    @Override
    public String describe() {
        return "local:" + root;
    }

    @Override
    public PendingObject create(String service, String name) throws IOException {
        Storage.checkNames(service, name);
        Path dir = serviceDirectory(service);
        createDirectory(root);
        createDirectory(dir.getParent());
        createDirectory(dir);
        Path temp = dir.resolve(TEMP_PREFIX + name + "-" + UUID.randomUUID());
        FileChannel channel = FileChannel.open(temp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(filePermissions));
        // The umask may have narrowed the mode given at creation.
        Files.setPosixFilePermissions(temp, filePermissions);
        return new LocalPendingObject(channel, temp, dir.resolve(name));
    }

    @Override
    public InputStream open(String service, String name) throws IOException {
        Storage.checkNames(service, name);
        Path file = serviceDirectory(service).resolve(name);
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "no such archive");
        }
        return Files.newInputStream(file);
    }

    @Override
    public List<StoredObject> list(String service) throws IOException {
        Storage.checkNames(service, null);
        Path dir = serviceDirectory(service);
        List<StoredObject> objects = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            checkRootCanExist();
            return objects;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir,
                p -> !p.getFileName().toString().startsWith("."))) {
            for (Path file : files) {
                BasicFileAttributes attributes;
                try {
                    attributes = Files.readAttributes(file, BasicFileAttributes.class);
                } catch (NoSuchFileException deletedMeanwhile) {
                    continue;
                }
                if (attributes.isRegularFile()) {
                    objects.add(new StoredObject(file.getFileName().toString(), attributes.size(),
                            attributes.lastModifiedTime().toInstant()));
                }
            }
        }
        objects.sort(Comparator.comparing(StoredObject::name));
        return objects;
    }

    @Override
    public List<String> directories(String service) throws IOException {
        Storage.checkNames(service, null);
        Path dir = serviceDirectory(service);
        List<String> names = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return names;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir,
                p -> !p.getFileName().toString().startsWith(".") && Files.isDirectory(p))) {
            for (Path entry : entries) {
                if (!list(service + "/" + entry.getFileName()).isEmpty()) {
                    names.add(entry.getFileName().toString());
                }
            }
        }
        names.sort(null);
        return names;
    }

    @Override
    public void removeStale(String service) throws IOException {
        Storage.checkNames(service, null);
        Path dir = serviceDirectory(service);
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (DirectoryStream<Path> temps = Files.newDirectoryStream(dir, p -> p.getFileName().toString()
                .startsWith(TEMP_PREFIX))) {
            for (Path temp : temps) {
                Files.deleteIfExists(temp);
                Logger.info("{}: removed {}, left by a write that never finished", service, temp);
            }
        }
    }

    @Override
    public void delete(String service, String name) throws IOException {
        Storage.checkNames(service, name);
        Path file = serviceDirectory(service).resolve(name);
        if (Files.deleteIfExists(file)) {
            forceDirectory(file.getParent());
        }
    }

    /**
     * A service with no directory has nothing stored yet, unless the root itself cannot be a
     * directory: then listing fails rather than report an empty store.
     */
    private void checkRootCanExist() throws IOException {
        Path existing = root;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing != null && !Files.isDirectory(existing)) {
            throw new NotDirectoryException(existing + " is not a directory, so " + root + " cannot hold archives");
        }
    }

    private Path serviceDirectory(String service) {
        return root.resolve(service);
    }

    private void createDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, directoryPermissions);
        }
    }

    /** Makes a rename or delete in a directory durable. */
    private static void forceDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    private static final class LocalPendingObject extends AbstractPendingObject {
        private final FileChannel channel;
        private final OutputStream output;
        private final Path temp;
        private final Path target;

        LocalPendingObject(FileChannel channel, Path temp, Path target) {
            this.channel = channel;
            // Closing the output must leave the channel to publish(), which forces it to disk.
            this.output = new FilterOutputStream(Channels.newOutputStream(channel)) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                }

                @Override
                public void close() throws IOException {
                    out.flush();
                }
            };
            this.temp = temp;
            this.target = target;
        }

        @Override
        public OutputStream output() {
            return output;
        }

        @Override
        protected void publish() throws IOException {
            channel.force(true);
            channel.close();
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("Cannot rename " + temp + " atomically to " + target, e);
            }
            forceDirectory(target.getParent());
        }

        @Override
        protected void discard() {
            try {
                channel.close();
            } catch (IOException ignored) {
                // Deleting the file below is what matters.
            }
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // Hidden temporary files never show in listings.
            }
        }
    }
}
