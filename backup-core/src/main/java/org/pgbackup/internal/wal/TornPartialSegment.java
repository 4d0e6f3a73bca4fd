package org.pgbackup.internal.wal;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.pgbackup.internal.postgres.PgConnection;
import org.pgbackup.internal.process.ProcessResult;
import org.pgbackup.internal.process.ProcessSpec;
import org.tinylog.Logger;

/**
 * The spool's segment being written, as a kill may leave it. {@code pg_receivewal} fills a new
 * partial segment with zeros up to the segment's size before it writes WAL into it, and will
 * not start again on a partial file of any other size than empty or whole ("should be 0 or
 * 16777216"). Killed while filling, as a SIGKILL of the controller kills it, it leaves a file
 * of zeros alone, shorter than a segment, and streaming would stop for good. Such a file is
 * filled up to the segment's size, as {@code pg_receivewal} would have filled it; the server
 * still holds that segment, since the slot was not moved past it.
 */
final class TornPartialSegment {
    private static final Duration QUERY_TIMEOUT = Duration.ofMinutes(1);
    private static final int BLOCK = 64 * 1024;

    private TornPartialSegment() {
    }

    /**
     * Fills the spool's partial segment to the server's segment size if a kill cut it short
     * while it held nothing but zeros; a short one that holds WAL is left for
     * {@code pg_receivewal} to refuse, and the refusal is logged.
     *
     * @return whether it was filled
     * @throws IOException if the file cannot be read or written, or the server asked for its segment size
     */
    static boolean complete(WalSpool spool, PgConnection connection, Path psql, String service) throws IOException {
        Optional<String> partial = spool.partial();
        if (partial.isEmpty()) {
            return false;
        }
        Path file = spool.file(partial.get());
        long size = Files.size(file);
        if (size == 0) {
            return false;
        }
        long segmentSize = segmentSize(connection, psql);
        if (size >= segmentSize || !zeros(file)) {
            return false;
        }
        try (RandomAccessFile filled = new RandomAccessFile(file.toFile(), "rw")) {
            filled.setLength(segmentSize);
        }
        Logger.warn("{}: the spool's {} was {} bytes of zeros, cut short while pg_receivewal prepared it (it was"
                + " killed): filled to the segment's {} bytes for pg_receivewal to stream into it again", service,
                partial.get(), size, segmentSize);
        return true;
    }

    private static long segmentSize(PgConnection connection, Path psql) throws IOException {
        ProcessResult result = connection.runner().run(ProcessSpec.of(connection.command(psql, "--no-psqlrc",
                "--tuples-only", "--no-align", "--command=SELECT pg_size_bytes(current_setting('wal_segment_size'))"),
                connection.environment(), QUERY_TIMEOUT));
        if (!result.succeeded()) {
            throw new IOException("asking " + connection.service().address() + " for its WAL segment size failed: "
                    + result.failure());
        }
        return Long.parseLong(result.stdout().strip());
    }

    private static boolean zeros(Path file) throws IOException {
        byte[] block = new byte[BLOCK];
        try (InputStream in = Files.newInputStream(file)) {
            for (int read = in.read(block); read >= 0; read = in.read(block)) {
                for (int i = 0; i < read; i++) {
                    if (block[i] != 0) {
                        return false;
                    }
                }
            }
        }
        return true;
    }
}
