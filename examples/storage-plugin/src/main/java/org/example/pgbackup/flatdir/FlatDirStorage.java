package org.example.pgbackup.flatdir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.pgbackup.spi.AbstractPendingObject;
import org.pgbackup.spi.PendingObject;
import org.pgbackup.spi.Storage;
import org.pgbackup.spi.StoredObject;

/**
 * One flat directory: the object {@code name} of {@code service} is the file
 * {@code <service>=<name>}, both URL-encoded so that {@code =} never occurs inside either.
 * Writes go to a hidden temporary file that an atomic rename publishes. Thread-safe: every
 * write has its own temporary file, and a rename replaces atomically.
 */
final class FlatDirStorage implements Storage {
    private static final String TEMPORARY = ".tmp-";

    private final Path directory;
    private final Set<PosixFilePermission> filePermissions;

    FlatDirStorage(Path directory, Set<PosixFilePermission> filePermissions) {
        this.directory = directory;
        this.filePermissions = filePermissions;
    }

    @Override
    public String describe() {
        return "flat-dir:" + directory;
    }

    @Override
    public PendingObject create(String service, String name) throws IOException {
        Storage.checkNames(service, name);
        Files.createDirectories(directory);
        Path staged = directory.resolve(TEMPORARY + UUID.randomUUID());
        OutputStream out = Files.newOutputStream(staged);
        Files.setPosixFilePermissions(staged, filePermissions);
        Path target = file(service, name);
        return new AbstractPendingObject() {
            @Override
            public OutputStream output() {
                return out;
            }

            @Override
            protected void publish() throws IOException {
                out.close();
                try {
                    Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    throw new IOException("Cannot publish " + target + " atomically: " + e.getMessage(), e);
                }
            }

            @Override
            protected void discard() {
                try {
                    out.close();
                    Files.deleteIfExists(staged);
                } catch (IOException e) {
                    // Left for removeStale to find.
                }
            }
        };
    }

    @Override
    public InputStream open(String service, String name) throws IOException {
        Storage.checkNames(service, name);
        return Files.newInputStream(file(service, name));
    }

    @Override
    public List<StoredObject> list(String service) throws IOException {
        Storage.checkNames(service, null);
        String prefix = encode(service) + "=";
        List<StoredObject> objects = new ArrayList<>();
        if (!Files.isDirectory(directory)) {
            // Nothing stored yet, unless the directory cannot exist at all: then say so.
            Path existing = directory;
            while (existing != null && !Files.exists(existing)) {
                existing = existing.getParent();
            }
            if (existing != null && !Files.isDirectory(existing)) {
                throw new IOException(existing + " is not a directory, so " + directory + " cannot hold archives");
            }
            return objects;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, prefix + "*")) {
            for (Path file : files) {
                try {
                    BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                    String name = URLDecoder.decode(file.getFileName().toString().substring(prefix.length()),
                            StandardCharsets.UTF_8);
                    objects.add(new StoredObject(name, attributes.size(), attributes.lastModifiedTime().toInstant()));
                } catch (NoSuchFileException deletedMeanwhile) {
                    // Another thread removed it while this one listed.
                }
            }
        }
        objects.sort(Comparator.comparing(StoredObject::name));
        return objects;
    }

    @Override
    public List<String> directories(String service) throws IOException {
        Storage.checkNames(service, null);
        String prefix = encode(service + "/");
        Set<String> names = new TreeSet<>();
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, prefix + "*")) {
            for (Path file : files) {
                String rest = file.getFileName().toString().substring(prefix.length());
                int end = rest.indexOf('=');
                if (end > 0) {
                    names.add(URLDecoder.decode(rest.substring(0, end), StandardCharsets.UTF_8));
                }
            }
        }
        return List.copyOf(names);
    }

    @Override
    public void delete(String service, String name) throws IOException {
        Storage.checkNames(service, name);
        Files.deleteIfExists(file(service, name));
    }

    @Override
    public void removeStale(String service) throws IOException {
        // Temporary files carry no service, so only old ones go: a write in progress is younger.
        if (!Files.isDirectory(directory)) {
            return;
        }
        long hourAgo = System.currentTimeMillis() - 3_600_000;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, TEMPORARY + "*")) {
            for (Path file : files) {
                if (Files.getLastModifiedTime(file).toMillis() < hourAgo) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    private Path file(String service, String name) {
        return directory.resolve(encode(service) + "=" + encode(name));
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return describe() + " " + PosixFilePermissions.toString(filePermissions);
    }
}
