package org.pgbackup.compression;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Locale;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorOutputStream;

/**
 * How archives are compressed: {@code BACKUP_COMPRESSION}, one of {@code zstd[:level]} (the
 * default, level 1), {@code gzip[:level]} or {@code none}.
 *
 * <p>With zstd, {@code pg_dump} writes an uncompressed custom archive and the controller
 * compresses it on the way, in a zstd frame with a content checksum: several times faster
 * than {@code pg_dump}'s own zlib for the same size, and it works with every {@code pg_dump}
 * version. With gzip, {@code pg_dump} compresses inside the archive, as plain
 * {@code pg_dump -Fc} does; with none, nothing is compressed.
 *
 * @param method the algorithm
 * @param level the level; 0 for {@link Method#NONE}
 */
public record Compression(Method method, int level) {
    /** The compression algorithms. */
    public enum Method {
        /** zstd levels 1 to 19, in the controller; archives are {@code .dump.zst}. */
        ZSTD(1, 19, 1),
        /** zlib levels 1 to 9, in {@code pg_dump}; archives are {@code .dump}. */
        GZIP(1, 9, 6),
        /** No compression; archives are {@code .dump}. */
        NONE(0, 0, 0);

        private final int min;
        private final int max;
        private final int defaultLevel;

        Method(int min, int max, int defaultLevel) {
            this.min = min;
            this.max = max;
            this.defaultLevel = defaultLevel;
        }
    }

    /**
     * zstd level 1: on both of {@code bench/run}'s data sets it dumps at close to
     * {@code pg_dump}'s own speed, where level 3 takes up to half as long again for an archive
     * 4% larger on random text and 6% smaller on words (the level curve in
     * {@code bench/results}). Level 3 is one setting away where storage costs more than CPU.
     */
    public static final Compression DEFAULT = new Compression(Method.ZSTD, 1);

    /** The most zstd worker threads one archive gets (see {@link #compressing}). */
    private static final int MAX_WORKERS = 4;

    public Compression {
        requireNonNull(method, "method is null");
        if (level < method.min || level > method.max) {
            throw new IllegalArgumentException(method.name().toLowerCase(Locale.ROOT) + " takes levels from "
                    + method.min + " to " + method.max + ", not " + level);
        }
    }

    /**
     * Parses {@code zstd}, {@code zstd:<1-19>}, {@code gzip}, {@code gzip:<1-9>} or {@code none}.
     *
     * @throws IllegalArgumentException with a message that shows the accepted forms
     */
    public static Compression parse(String text) {
        String[] parts = text.trim().toLowerCase(Locale.ROOT).split(":", -1);
        Method method;
        try {
            method = Method.valueOf(parts[0].toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(FORMS);
        }
        if (parts.length == 1) {
            return new Compression(method, method.defaultLevel);
        }
        if (parts.length > 2 || method == Method.NONE || !parts[1].matches("\\d{1,2}")) {
            throw new IllegalArgumentException(FORMS);
        }
        try {
            return new Compression(method, Integer.parseInt(parts[1]));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(FORMS, e);
        }
    }

    private static final String FORMS = "zstd, zstd:<1-19>, gzip, gzip:<1-9> or none";

    /** The form of the archives this writes: zstd-wrapped, or a plain custom archive. */
    public ArchiveForm form() {
        return method == Method.ZSTD ? ArchiveForm.ZSTD : ArchiveForm.CUSTOM;
    }

    /** The compression option for {@code pg_dump}: a number, which every version reads as zlib or none. */
    public String pgDumpOption() {
        return "--compress=" + (method == Method.GZIP ? level : 0);
    }

    /**
     * Where {@code pg_dump}'s output goes to be compressed on its way to {@code stored}.
     * Closing the returned stream ends the zstd frame and closes {@code stored}.
     */
    public OutputStream compressing(OutputStream stored) throws IOException {
        if (method != Method.ZSTD) {
            return stored;
        }
        return ZstdCompressorOutputStream.builder().setOutputStream(stored).setLevel(level).setChecksum(true)
                .setWorkers(workers()).get();
    }

    /**
     * zstd's worker threads: they compress beside the thread that reads {@code pg_dump}, so
     * that {@code pg_dump} never waits on a full pipe while a block compresses. zstd writes
     * the same bytes for any number of workers from one up, so an archive does not depend on
     * the machine that made it; at most four, to bound the memory each dump holds.
     */
    private static int workers() {
        return Math.min(MAX_WORKERS, Math.max(1, Runtime.getRuntime().availableProcessors()));
    }

    /** {@code zstd:1}, {@code gzip:6} or {@code none}, as {@code BACKUP_COMPRESSION} takes it. */
    @Override
    public String toString() {
        return method == Method.NONE ? "none" : method.name().toLowerCase(Locale.ROOT) + ":" + level;
    }
}
