package org.pgbackup.internal.wal;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.time.Instant;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.pgbackup.encryption.Encryption;
import org.pgbackup.error.ArchiveCorruptException;
import org.pgbackup.spi.Storage;
import org.tinylog.Logger;
import org.pgbackup.spi.StoredObject;

/**
 * A service's WAL archive in its destinations: each finished file of the {@link WalSpool}, a
 * segment or a timeline history, stored compressed with zstd and encrypted with age when
 * encryption is on, as {@code <service>/wal.archive/<name>.zst[.age]}, with
 * {@code <name>.sha256} beside it, written last, in {@code sha256sum}'s form. A file counts as
 * archived only once its checksum is there, so a controller killed between the two leaves a
 * file that is stored again, never one taken for whole. The directory's name holds a dot,
 * which no database directory of a whole-server service ever does, so the two never meet.
 *
 * <p>Safe to share between threads for different names.
 */
public final class WalArchive {
    /** The directory under a service that holds its WAL. */
    public static final String DIRECTORY = "wal.archive";
    private static final String CHECKSUM = ".sha256";
    private static final Pattern CHECKSUM_LINE = Pattern.compile("([0-9a-f]{64})  ([0-9A-Za-z.]+)");

    private final Map<String, Storage> destinations;
    private final Encryption encryption;

    /**
     * @param destinations the service's destinations, by id, in the order they are read
     * @param encryption how new files are encrypted, and the identity that opens them
     */
    public WalArchive(Map<String, Storage> destinations, Encryption encryption) {
        this.destinations = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(destinations,
                "destinations is null")));
        this.encryption = requireNonNull(encryption, "encryption is null");
    }

    /** Where a service's WAL is kept in a destination: a {@link Storage} service of two segments. */
    static String directory(String service) {
        return service + "/" + DIRECTORY;
    }

    private String objectName(String name) {
        return name + (encryption.encryptsNewArchives() ? ".zst.age" : ".zst");
    }

    /**
     * Stores a finished file of the spool in every destination.
     *
     * @param failed receives why each destination that did not store it failed
     * @return the destinations that hold it, with its checksum, now
     * @throws IOException if the file cannot be read
     */
    public List<String> store(String service, String name, Path file, Map<String, String> failed)
            throws IOException {
        String object = objectName(name);
        try {
            return SealedUpload.write(destinations, directory(service), object, encryption, plain -> {
                try (InputStream in = Files.newInputStream(file)) {
                    in.transferTo(plain);
                }
            }, name + CHECKSUM, sealed -> (sealed.sha256() + "  " + object + "\n").getBytes(StandardCharsets.UTF_8),
                    failed).destinations();
        } catch (IOException e) {
            destinations.keySet().forEach(id -> failed.putIfAbsent(id, e.getMessage()));
            return List.of();
        }
    }

    /**
     * The names of the files a destination holds whole: those whose checksum is stored.
     *
     * @throws IOException if the destination cannot be listed
     */
    public Set<String> archived(String service, String destination) throws IOException {
        return archivedAt(service, destination).keySet();
    }

    /**
     * The files a destination holds whole, with when each was archived (its checksum's time):
     * a segment archived at a time holds WAL written before it.
     *
     * @throws IOException if the destination cannot be listed
     */
    public SortedMap<String, Instant> archivedAt(String service, String destination) throws IOException {
        SortedMap<String, Instant> names = new TreeMap<>();
        for (StoredObject object : storage(destination).list(directory(service))) {
            if (object.name().endsWith(CHECKSUM)) {
                names.put(object.name().substring(0, object.name().length() - CHECKSUM.length()), object.modified());
            }
        }
        return names;
    }

    /** The text of a small archived file, such as a timeline history, checked. */
    public String text(String service, String destination, String name, Path scratch) throws IOException {
        Path file = Files.createTempFile(scratch, name, ".text");
        try {
            fetch(service, destination, name, file, in -> in);
            return Files.readString(file);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /**
     * Fetches an archived file into {@code target}: the stored bytes are checked against the
     * checksum first, then decrypted and decompressed. The target appears whole or not at all.
     *
     * @throws ArchiveCorruptException if the stored bytes are not those the checksum names, or the
     *     file or its checksum is missing: a restore that needs it must refuse before it writes
     * @throws IOException if the destination cannot be read
     * @param reading wraps the stored bytes as they are read, such as to count them
     */
    public void fetch(String service, String destination, String name, Path target, UnaryOperator<InputStream> reading)
            throws IOException {
        Storage storage = storage(destination);
        String recorded;
        try (InputStream sidecar = storage.open(directory(service), name + CHECKSUM)) {
            recorded = new String(sidecar.readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (NoSuchFileException e) {
            throw new ArchiveCorruptException("WAL file " + name + " of service '" + service + "' is not in " + destination
                    + " (no checksum " + name + CHECKSUM + ")");
        }
        Matcher line = CHECKSUM_LINE.matcher(recorded);
        if (!line.matches()) {
            throw new ArchiveCorruptException("WAL file " + name + " of service '" + service + "' in " + destination
                    + " has an unreadable checksum " + name + CHECKSUM);
        }
        String what = "WAL file " + name + " of service '" + service + "' in " + destination;
        Path scratch = target.toAbsolutePath().getParent();
        try (SealedDownload download = SealedDownload.fetch(storage, directory(service), line.group(2), line.group(1),
                scratch, what, reading)) {
            Path partial = Files.createTempFile(scratch, name, ".part");
            try (InputStream plain = download.plain(encryption, what)) {
                Files.copy(plain, partial, StandardCopyOption.REPLACE_EXISTING);
                Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(partial);
            }
        }
    }

    /**
     * Deletes a file from every destination: its checksum first, so that it stops counting as
     * archived before its bytes go.
     *
     * @throws IOException if a destination fails; the others are still done
     */
    public void delete(String service, String name) throws IOException {
        IOException failure = null;
        for (String destination : destinations.keySet()) {
            try {
                delete(service, destination, name);
            } catch (IOException e) {
                failure = failure == null ? e : failure;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * Removes what stores of a controller that was killed left in each destination's WAL
     * directory, such as temporary files. Called before a stream starts storing, so that no
     * store of this service is in progress; a destination that fails is only logged.
     */
    public void removeStale(String service) {
        for (Map.Entry<String, Storage> destination : destinations.entrySet()) {
            try {
                destination.getValue().removeStale(directory(service));
            } catch (IOException e) {
                Logger.warn("{}: removing what an unfinished WAL store left in {} failed: {}", service,
                        destination.getKey(), e.getMessage());
            }
        }
    }

    /**
     * Deletes a file from one destination, its checksum first.
     *
     * @throws IOException if the destination fails
     */
    public void delete(String service, String destination, String name) throws IOException {
        for (String object : List.of(name + CHECKSUM, name + ".zst", name + ".zst.age")) {
            storage(destination).delete(directory(service), object);
        }
    }

    private Storage storage(String destination) {
        Storage storage = destinations.get(destination);
        if (storage == null) {
            throw new IllegalArgumentException("No destination '" + destination + "'");
        }
        return storage;
    }
}
