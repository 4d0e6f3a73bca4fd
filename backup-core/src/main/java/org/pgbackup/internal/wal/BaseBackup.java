package org.pgbackup.internal.wal;

import java.io.BufferedOutputStream;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.io.input.TeeInputStream;
import org.pgbackup.encryption.Encryption;
import org.pgbackup.internal.postgres.PgConnection;
import org.pgbackup.internal.process.ProcessResult;
import org.pgbackup.internal.process.ProcessSpec;
import org.pgbackup.spi.Storage;
import org.tinylog.Logger;
import org.pgbackup.spi.StoredObject;

/**
 * A base backup of a service's server: {@code pg_basebackup} in tar form to its standard
 * output, with a fast checkpoint and no WAL of its own (the {@link WalArchive} holds that),
 * streamed through {@link SealedUpload} to every destination as
 * {@code <service>/base.backup/<name>.tar.zst[.age]}, with {@code <name>.json} beside it,
 * written last: where recovery from it starts and must at least reach (start and end LSN,
 * timeline), when it ran, and the stored bytes' size and SHA-256. The start and the timeline
 * are read from the {@code backup_label} at the head of the tar as it streams by, the end from
 * the {@code backup_manifest} at its tail (PostgreSQL 13 and later) or from
 * {@code pg_basebackup}'s own report; what lies between is copied unparsed. The server's
 * {@code backup_manifest} stays in the tar, for {@code pg_verifybackup}.
 *
 * <p>A server with tablespaces beyond {@code pg_default} and {@code pg_global} is refused:
 * {@code pg_basebackup} writes one tablespace to a stream, and a backup of the main one alone
 * would restore a server without the others' tables.
 */
public final class BaseBackup {
    /** The directory under a service that holds its base backups; a dot keeps it apart from database directories. */
    public static final String DIRECTORY = "base.backup";
    private static final Duration NO_END = Duration.ofDays(36_500);
    private static final int TRANSFER = 256 * 1024;
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'")
            .withZone(ZoneOffset.UTC);
    private static final Pattern START = Pattern.compile("START WAL LOCATION: (\\S+) \\(file ([0-9A-F]{24})\\)");
    private static final Pattern TIMELINE = Pattern.compile("START TIMELINE: (\\d+)");
    private static final Pattern MANIFEST_END = Pattern.compile("\"End-LSN\": \"([0-9A-F]+/[0-9A-F]+)\"");
    /** Where the end of the tar is kept among the labels read from it. */
    private static final String TAIL = "tail";
    private static final int TAIL_BYTES = 64 * 1024;
    private static final Pattern REPORTED_END = Pattern.compile("write-ahead log end point: (\\S+)");

    /**
     * A base backup as stored.
     *
     * @param destinations those that hold it whole, with its manifest
     */
    public record Taken(BaseBackupManifest manifest, List<String> destinations) {
    }

    private BaseBackup() {
    }

    /** Where a service's base backups are kept in a destination: a {@link Storage} service of two segments. */
    static String directory(String service) {
        return service + "/" + DIRECTORY;
    }

    /**
     * Takes a base backup and stores it in every destination.
     *
     * @param pgBaseBackup {@code pg_basebackup} of the server's major or newer
     * @param failed receives why each destination that does not hold it failed
     * @param sending wraps the stream the tar is written to as the server sends it, such as to count it
     * @throws IOException if {@code pg_basebackup} fails, or what it wrote is no base backup;
     *     then no destination keeps anything
     */
    public static Taken take(PgConnection connection, Path pgBaseBackup, String service,
            Map<String, Storage> destinations, Encryption encryption, Clock clock, Map<String, String> failed,
            UnaryOperator<OutputStream> sending) throws IOException {
        Instant started = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        String name = "base_" + STAMP.format(started);
        String object = name + (encryption.encryptsNewArchives() ? ".tar.zst.age" : ".tar.zst");
        Map<String, String> labels = new HashMap<>();
        ProcessResult[] result = new ProcessResult[1];
        Instant[] ended = new Instant[1];
        Map<String, String> environment = new HashMap<>(connection.environment());
        // Its report of the end point is read, so it must be in the words read.
        environment.put("LC_MESSAGES", "C");
        SealedUpload.Sealed sealed = SealedUpload.write(destinations, directory(service), object, encryption,
                plain -> {
                    result[0] = connection.runner().run(ProcessSpec.of(connection.replicationCommand(pgBaseBackup,
                            "--pgdata=-", "--format=tar", "--wal-method=none", "--checkpoint=fast", "--verbose"),
                            environment, NO_END).withStdout(tar -> readLabels(tar, sending.apply(plain), labels)));
                    if (!result[0].succeeded()) {
                        throw new IOException(refusal(service, result[0]));
                    }
                    if (fields(labels, result[0]).isEmpty()) {
                        throw new IOException("pg_basebackup exited 0 for service '" + service + "' but its tar has no"
                                + " backup_label, or it reported no end point: no base backup was kept");
                    }
                }, name + ".json", stored -> {
                    ended[0] = clock.instant();
                    return manifest(name, object, labels, result[0], started, ended[0], stored).toJson();
                }, failed);
        return new Taken(manifest(name, object, labels, result[0], started, ended[0], sealed), sealed.destinations());
    }

    /**
     * The base backups a destination holds whole (with their manifests), oldest first.
     *
     * @throws IOException if the destination cannot be listed or read
     */
    public static List<BaseBackupManifest> list(Storage storage, String service) throws IOException {
        List<BaseBackupManifest> found = new ArrayList<>();
        for (StoredObject object : storage.list(directory(service))) {
            if (object.name().endsWith(".json")) {
                try (InputStream in = storage.open(directory(service), object.name())) {
                    BaseBackupManifest.parse(in.readAllBytes()).ifPresent(found::add);
                }
            }
        }
        found.sort(Comparator.comparing(BaseBackupManifest::ended));
        return found;
    }

    /**
     * Removes what a base backup of a controller that was killed left in each destination,
     * such as temporary files; called under the service's lock, before the next one. A
     * destination that fails is only logged.
     */
    public static void removeStale(Map<String, Storage> destinations, String service) {
        destinations.forEach((id, storage) -> {
            try {
                storage.removeStale(directory(service));
            } catch (IOException e) {
                Logger.warn("{}: removing what an unfinished base backup left in {} failed: {}", service, id,
                        e.getMessage());
            }
        });
    }

    /**
     * Deletes a stored base backup: its manifest first, so that a deletion cut short leaves
     * no base backup listed without its tar.
     *
     * @throws IOException if the destination fails to delete
     */
    public static void delete(Storage storage, String service, BaseBackupManifest base) throws IOException {
        storage.delete(directory(service), base.name() + ".json");
        storage.delete(directory(service), base.object());
    }

    private static String refusal(String service, ProcessResult result) {
        String why = result.failure();
        if (why.contains("can only write single tablespace to stdout")) {
            return "Service '" + service + "' has tablespaces besides pg_default and pg_global, and a base backup"
                    + " streams one: point-in-time recovery is not offered for such a server (" + why + ")";
        }
        return "pg_basebackup failed for service '" + service + "' and no base backup was kept: " + why;
    }

    /**
     * Copies the tar to {@code plain}, every byte, keeping {@code backup_label} and the tar's
     * end, which holds the {@code backup_manifest}'s WAL range, as they pass.
     */
    private static void readLabels(InputStream tar, OutputStream plain, Map<String, String> labels)
            throws IOException {
        // Large writes: each one crosses into the native compressor. The tail keeps the end of the tar, where
        // the backup_manifest's WAL range is.
        Tail tail = new Tail(plain);
        BufferedOutputStream copy = new BufferedOutputStream(tail, TRANSFER);
        // The tar reader skips what it does not read; skipped bytes must still reach the copy.
        InputStream copied = new FilterInputStream(new TeeInputStream(tar, copy)) {
            private final byte[] buffer = new byte[TRANSFER];

            @Override
            public long skip(long n) throws IOException {
                long skipped = 0;
                while (skipped < n) {
                    int read = read(buffer, 0, (int) Math.min(buffer.length, n - skipped));
                    if (read < 0) {
                        break;
                    }
                    skipped += read;
                }
                return skipped;
            }
        };
        // The server sends backup_label first; what follows is copied as it comes, unparsed, which keeps a
        // base backup as fast as the bare pipeline.
        TarArchiveInputStream entries = new TarArchiveInputStream(copied);
        TarArchiveEntry first = entries.getNextEntry();
        if (first != null && first.getName().equals("backup_label")) {
            labels.put(first.getName(), new String(entries.readAllBytes(), StandardCharsets.UTF_8));
        }
        copied.transferTo(OutputStream.nullOutputStream());
        copy.flush();
        labels.put(TAIL, tail.text());
    }

    /**
     * Passes bytes on and keeps the last {@value #TAIL_BYTES} of them: the manifest's WAL range
     * and checksum close it, and the tar's end-of-archive blocks follow.
     */
    private static final class Tail extends FilterOutputStream {
        private final byte[] ring = new byte[TAIL_BYTES];
        private long written;

        Tail(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            ring[(int) (written++ % TAIL_BYTES)] = (byte) b;
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            out.write(bytes, offset, length);
            // Only the last TAIL_BYTES of this write can stay, copied in at most two runs around the ring.
            int kept = Math.min(length, TAIL_BYTES);
            long at = written + length - kept;
            int from = offset + length - kept;
            int start = (int) (at % TAIL_BYTES);
            int first = Math.min(kept, TAIL_BYTES - start);
            System.arraycopy(bytes, from, ring, start, first);
            System.arraycopy(bytes, from + first, ring, 0, kept - first);
            written += length;
        }

        String text() {
            int kept = (int) Math.min(written, TAIL_BYTES);
            byte[] ordered = new byte[kept];
            for (int i = 0; i < kept; i++) {
                ordered[i] = ring[(int) ((written - kept + i) % TAIL_BYTES)];
            }
            return new String(ordered, StandardCharsets.ISO_8859_1);
        }
    }

    private record Fields(Lsn start, Lsn end, int timeline, long segmentSize) {
    }

    private static Optional<Fields> fields(Map<String, String> labels, ProcessResult result) {
        String label = labels.getOrDefault("backup_label", "");
        Matcher start = START.matcher(label);
        Matcher timeline = TIMELINE.matcher(label);
        Optional<String> end = last(MANIFEST_END.matcher(labels.getOrDefault(TAIL, "")))
                .or(() -> last(REPORTED_END.matcher(result.stderr())));
        if (!start.find() || !timeline.find() || end.isEmpty()) {
            return Optional.empty();
        }
        Lsn from = Lsn.parse(start.group(1));
        int on = Integer.parseInt(timeline.group(1));
        // The label names the segment that holds the start: of the sizes a server may have, the one that names it so.
        for (long size = 1L << 20; size <= 1L << 30; size <<= 1) {
            if (WalSegment.holding(on, from, size).name().equals(start.group(2))) {
                return Optional.of(new Fields(from, Lsn.parse(end.get()), on, size));
            }
        }
        return Optional.empty();
    }

    private static Optional<String> last(Matcher matcher) {
        String found = null;
        while (matcher.find()) {
            found = matcher.group(1);
        }
        return Optional.ofNullable(found);
    }

    /** The manifest beside the tar, whose labels were checked before it was committed. */
    private static BaseBackupManifest manifest(String name, String object, Map<String, String> labels,
            ProcessResult result, Instant started, Instant ended, SealedUpload.Sealed stored) {
        Fields fields = fields(labels, result).orElseThrow();
        return new BaseBackupManifest(name, object, fields.start(), fields.end(), fields.timeline(),
                fields.segmentSize(), started, ended, stored.size(), stored.sha256());
    }
}
