package org.pgbackup.compression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CompressionTest {

    @ParameterizedTest
    @CsvSource({"zstd, zstd:1, ZSTD", "zstd:3, zstd:3, ZSTD", "ZSTD:19, zstd:19, ZSTD", "gzip, gzip:6, CUSTOM",
        "gzip:9, gzip:9, CUSTOM", "none, none, CUSTOM", "' zstd:7 ', zstd:7, ZSTD"})
    void parsesEveryForm(String text, String canonical, ArchiveForm form) {
        Compression compression = Compression.parse(text);
        assertThat(compression).hasToString(canonical);
        assertThat(compression.form()).isEqualTo(form);
        assertThat(Compression.parse(compression.toString())).isEqualTo(compression);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "lz4", "zstd:0", "zstd:20", "zstd:", "zstd:x", "gzip:0", "gzip:10", "none:1",
        "zstd:3:1", "zstd-3"})
    void refusesOtherFormsShowingTheAcceptedOnes(String text) {
        assertThatThrownBy(() -> Compression.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("zstd, zstd:<1-19>, gzip, gzip:<1-9> or none");
    }

    @Test
    void zstdIsTheDefaultAndLeavesCompressionToTheController() {
        assertThat(Compression.DEFAULT).hasToString("zstd:1");
        assertThat(Compression.DEFAULT.pgDumpOption()).isEqualTo("--compress=0");
        assertThat(Compression.parse("gzip:4").pgDumpOption()).isEqualTo("--compress=4");
        assertThat(Compression.parse("none").pgDumpOption()).isEqualTo("--compress=0");
    }

    @Test
    void zstdRoundTripsAndItsOutputIsDetectedAsZstd() throws IOException {
        byte[] archive = archiveLike(3_000_000);
        ByteArrayOutputStream stored = new ByteArrayOutputStream();
        try (OutputStream out = Compression.parse("zstd:5").compressing(stored)) {
            out.write(archive);
        }
        byte[] bytes = stored.toByteArray();
        assertThat(bytes.length).isLessThan(archive.length / 2);
        assertThat(ArchiveForm.detect(Arrays.copyOf(bytes, ArchiveForm.HEAD_LENGTH))).contains(ArchiveForm.ZSTD);
        assertThat(ArchiveForm.ZSTD.unwrap(new ByteArrayInputStream(bytes)).readAllBytes()).isEqualTo(archive);
    }

    /** zstd's worker threads must not make archives depend on timing: same input, same bytes. */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6})
    void theSameInputGivesTheSameBytesAtEveryLevelOfTheCurve(int level) throws IOException {
        byte[] archive = archiveLike(12_000_000);
        byte[][] runs = new byte[2][];
        for (int i = 0; i < runs.length; i++) {
            ByteArrayOutputStream stored = new ByteArrayOutputStream();
            try (OutputStream out = Compression.parse("zstd:" + level).compressing(stored)) {
                for (int off = 0; off < archive.length; off += 65_536) {
                    out.write(archive, off, Math.min(65_536, archive.length - off));
                }
            }
            runs[i] = stored.toByteArray();
        }
        assertThat(runs[1]).isEqualTo(runs[0]);
        assertThat(ArchiveForm.ZSTD.unwrap(new ByteArrayInputStream(runs[0])).readAllBytes()).isEqualTo(archive);
    }

    @Test
    void aTruncatedOrDamagedZstdFrameFailsToUnwrap() throws IOException {
        ByteArrayOutputStream stored = new ByteArrayOutputStream();
        try (OutputStream out = Compression.DEFAULT.compressing(stored)) {
            out.write(archiveLike(1_000_000));
        }
        byte[] bytes = stored.toByteArray();
        byte[] truncated = Arrays.copyOf(bytes, bytes.length - 100);
        assertThatThrownBy(() -> ArchiveForm.ZSTD.unwrap(new ByteArrayInputStream(truncated)).readAllBytes())
                .isInstanceOf(IOException.class);
        byte[] flipped = bytes.clone();
        flipped[bytes.length / 2] ^= 0x10;
        assertThatThrownBy(() -> ArchiveForm.ZSTD.unwrap(new ByteArrayInputStream(flipped)).readAllBytes())
                .isInstanceOf(IOException.class);
    }

    @Test
    void gzipAndNoneLeaveTheStreamToPgDump() throws IOException {
        ByteArrayOutputStream stored = new ByteArrayOutputStream();
        assertThat(Compression.parse("gzip").compressing(stored)).isSameAs(stored);
        assertThat(Compression.parse("none").compressing(stored)).isSameAs(stored);
    }

    @Test
    void namesAndBytesMustAgree() throws IOException {
        Optional<ArchiveForm> custom = ArchiveForm.detect("PGDMP\u0001".getBytes());
        Optional<ArchiveForm> zstd = ArchiveForm.detect(new byte[] {0x28, (byte) 0xB5, 0x2F, (byte) 0xFD, 0});
        assertThat(custom).contains(ArchiveForm.CUSTOM);
        assertThat(zstd).contains(ArchiveForm.ZSTD);
        assertThat(ArchiveForm.mismatch("file.dump", custom)).isEmpty();
        assertThat(ArchiveForm.mismatch("file.dump.zst", zstd)).isEmpty();
        assertThat(ArchiveForm.mismatch("file.dump", zstd)).contains("its bytes are a zstd-compressed archive but its"
                + " name ends in .dump; rename it to file.dump.zst");
        assertThat(ArchiveForm.mismatch("file_daily_2025-07-04T09:00:00Z.dump.zst", custom)).contains("its bytes are"
                + " a plain custom-format archive but its name ends in .dump.zst; rename it to"
                + " file_daily_2025-07-04T09:00:00Z.dump");
        assertThat(ArchiveForm.mismatch("file.dump", ArchiveForm.detect("-- SQL".getBytes()))).contains("it is"
                + " neither a PostgreSQL custom-format archive nor a zstd-compressed one");
        BufferedInputStream in = new BufferedInputStream(new ByteArrayInputStream("PGDMP and more".getBytes()));
        assertThat(ArchiveForm.peek(in)).contains(ArchiveForm.CUSTOM);
        assertThat(new String(in.readAllBytes())).isEqualTo("PGDMP and more");
    }

    /** Compressible, like a dump: text with repeats, and some noise. */
    private static byte[] archiveLike(int size) {
        Random random = new Random(7);
        byte[] bytes = new byte[size];
        bytes[0] = 'P';
        for (int i = 1; i < size; i++) {
            bytes[i] = (byte) (random.nextInt(10) < 8 ? 'a' + (i % 26) : random.nextInt(256));
        }
        return bytes;
    }
}
