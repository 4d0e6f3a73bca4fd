package org.example.conflicting;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.PackageVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import org.pgbackup.spi.AbstractPendingObject;
import org.pgbackup.spi.PendingObject;
import org.pgbackup.spi.Storage;
import org.pgbackup.spi.StoredObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Objects as files, {@code <root>/<service>/<name>}; each commit is journalled, one JSON line
 * written with this plugin's own Jackson, in {@code journal.jsonl}.
 */
final class ConflictingStorage implements Storage {
    private static final Logger LOG = LoggerFactory.getLogger(ConflictingStorage.class);
    private static final JsonFactory JSON = new JsonFactory();

    private final Path root;

    ConflictingStorage(Path root) {
        this.root = root;
    }

    @Override
    public String describe() {
        return "conflicting:" + root;
    }

    @Override
    public PendingObject create(String service, String name) throws IOException {
        Storage.checkNames(service, name);
        Path target = root.resolve(service).resolve(name);
        Files.createDirectories(target.getParent());
        Path staged = root.resolve(".tmp-" + UUID.randomUUID());
        OutputStream out = Files.newOutputStream(staged);
        return new AbstractPendingObject() {
            @Override
            public OutputStream output() {
                return out;
            }

            @Override
            protected void publish() throws IOException {
                out.close();
                Files.move(staged, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                journal(service, name);
            }

            @Override
            protected void discard() {
                try {
                    out.close();
                    Files.deleteIfExists(staged);
                } catch (IOException e) {
                    LOG.warn("cannot remove {}", staged);
                }
            }
        };
    }

    private synchronized void journal(String service, String name) throws IOException {
        StringWriter line = new StringWriter();
        try (JsonGenerator json = JSON.createGenerator(line)) {
            json.writeStartObject();
            json.writeStringField("service", service);
            json.writeStringField("name", name);
            json.writeStringField("jackson", PackageVersion.VERSION.toString());
            json.writeEndObject();
        }
        Files.writeString(root.resolve("journal.jsonl"), line + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        LOG.info("stored {}/{}", service, name);
    }

    @Override
    public InputStream open(String service, String name) throws IOException {
        Storage.checkNames(service, name);
        Path file = root.resolve(service).resolve(name);
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(describe() + ": no object " + name + " of " + service);
        }
        return Files.newInputStream(file);
    }

    @Override
    public List<StoredObject> list(String service) throws IOException {
        Storage.checkNames(service, null);
        Path dir = root.resolve(service);
        List<StoredObject> objects = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return objects;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, Files::isRegularFile)) {
            for (Path file : files) {
                objects.add(new StoredObject(file.getFileName().toString(), Files.size(file),
                        Files.getLastModifiedTime(file).toInstant()));
            }
        }
        objects.sort(Comparator.comparing(StoredObject::name));
        return objects;
    }

    @Override
    public void delete(String service, String name) throws IOException {
        Storage.checkNames(service, name);
        Files.deleteIfExists(root.resolve(service).resolve(name));
    }
}
