package org.pgbackup.internal.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.exceptionfactory.jagged.x25519.X25519KeyPairGenerator;
import com.github.luben.zstd.ZstdInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pgbackup.encryption.Encryption;
import org.pgbackup.error.ArchiveCorruptException;
import org.pgbackup.spi.PendingObject;
import org.pgbackup.storage.testkit.InMemoryStorage;

/** {@link WalArchive} over the storage kit's reference destination, plain and encrypted. */
class WalArchiveTest {
    private static final String SEGMENT = "000000010000000000000003";
    private static final String WAL = "shop/wal.archive";

    @TempDir
    Path dir;
    private final InMemoryStorage near = new InMemoryStorage();
    private final InMemoryStorage far = new InMemoryStorage();

    /** A segment-sized file that compresses as WAL does: records, then zeros. */
    private Path segment() throws IOException {
        byte[] bytes = new byte[1 << 20];
        byte[] records = new byte[300_000];
        new Random(26).nextBytes(records);
        System.arraycopy(records, 0, bytes, 0, records.length);
        return Files.write(dir.resolve(SEGMENT), bytes);
    }

    private WalArchive archive(Encryption encryption) {
        return new WalArchive(Map.of("near", near, "far", far), encryption);
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static void put(InMemoryStorage storage, String name, byte[] bytes) throws IOException {
        try (PendingObject object = storage.create(WAL, name)) {
            object.output().write(bytes);
            object.commit();
        }
    }

    @Test
    void aSegmentIsStoredCompressedInEveryDestinationWithTheChecksumOfItsStoredBytes() throws Exception {
        Path file = segment();
        Map<String, String> failed = new HashMap<>();

        List<String> stored = archive(Encryption.none()).store("shop", SEGMENT, file, failed);

        assertThat(stored).containsExactlyInAnyOrder("near", "far");
        assertThat(failed).isEmpty();
        for (InMemoryStorage storage : List.of(near, far)) {
            byte[] object = storage.bytes(WAL, SEGMENT + ".zst").orElseThrow();
            assertThat(object.length).as("compressed").isLessThan(400_000);
            // zstd's own reader, not ours, gives back the segment.
            assertThat(new ZstdInputStream(new ByteArrayInputStream(object)).readAllBytes())
                    .isEqualTo(Files.readAllBytes(file));
            assertThat(new String(storage.bytes(WAL, SEGMENT + ".sha256").orElseThrow(), StandardCharsets.UTF_8))
                    .isEqualTo(sha256(object) + "  " + SEGMENT + ".zst\n");
        }
        assertThat(archive(Encryption.none()).archived("shop", "far")).containsExactly(SEGMENT);

        Path fetched = dir.resolve("restored").resolve(SEGMENT);
        Files.createDirectories(fetched.getParent());
        archive(Encryption.none()).fetch("shop", "far", SEGMENT, fetched, in -> in);
        assertThat(fetched).hasSameBinaryContentAs(file);
    }

    @Test
    void anEncryptedSegmentIsAgeInStorageAndOpensWithTheIdentity() throws Exception {
        KeyPair key = new X25519KeyPairGenerator().generateKeyPair();
        Path identity = Files.writeString(dir.resolve("id"), key.getPrivate() + "\n");
        Encryption encryption = Encryption.age(List.of(key.getPublic().toString())).withIdentityFile(identity);
        Path file = segment();

        assertThat(archive(encryption).store("shop", SEGMENT, file, new HashMap<>())).hasSize(2);

        byte[] object = near.bytes(WAL, SEGMENT + ".zst.age").orElseThrow();
        assertThat(new String(object, 0, 21, StandardCharsets.US_ASCII)).isEqualTo("age-encryption.org/v1");
        assertThat(near.bytes(WAL, SEGMENT + ".zst")).isEmpty();
        Path fetched = dir.resolve("fetched");
        archive(encryption).fetch("shop", "near", SEGMENT, fetched, in -> in);
        assertThat(fetched).hasSameBinaryContentAs(file);
    }

    @Test
    void aDamagedOrMissingSegmentIsRefusedByNameAndNothingIsWritten() throws Exception {
        Path file = segment();
        WalArchive archive = archive(Encryption.none());
        archive.store("shop", SEGMENT, file, new HashMap<>());
        byte[] object = near.bytes(WAL, SEGMENT + ".zst").orElseThrow();
        object[object.length / 2] ^= 1;
        put(near, SEGMENT + ".zst", object);
        Path target = dir.resolve("target");

        assertThatThrownBy(() -> archive.fetch("shop", "near", SEGMENT, target, in -> in))
                .isInstanceOf(ArchiveCorruptException.class)
                .hasMessage("WAL file " + SEGMENT + " of service 'shop' in near is damaged: " + SEGMENT + ".zst has"
                        + " sha256 " + sha256(object) + ", its checksum says " + sha256(far.bytes(WAL, SEGMENT
                        + ".zst").orElseThrow()));
        far.delete(WAL, SEGMENT + ".zst");
        assertThatThrownBy(() -> archive.fetch("shop", "far", SEGMENT, target, in -> in))
                .isInstanceOf(ArchiveCorruptException.class)
                .hasMessage("WAL file " + SEGMENT + " of service 'shop' in far is missing: its checksum names " + SEGMENT
                        + ".zst, which is not there");
        assertThat(target).doesNotExist();
        try (var left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactly(SEGMENT);
        }
    }

    @Test
    void aSegmentWhoseChecksumWasNeverWrittenIsNotArchived() throws Exception {
        // As a controller killed between the two writes leaves it.
        put(near, SEGMENT + ".zst", new byte[] {1, 2, 3});
        assertThat(archive(Encryption.none()).archived("shop", "near")).isEmpty();
        assertThatThrownBy(() -> archive(Encryption.none()).fetch("shop", "near", SEGMENT, dir.resolve("t"), in -> in))
                .isInstanceOf(ArchiveCorruptException.class)
                .hasMessage("WAL file " + SEGMENT + " of service 'shop' is not in near (no checksum " + SEGMENT
                        + ".sha256)");
    }

    @Test
    void aDestinationThatFailsIsNamedAndTheOthersStillStore() throws Exception {
        far.failAll("far is down");
        Map<String, String> failed = new HashMap<>();
        assertThat(archive(Encryption.none()).store("shop", SEGMENT, segment(), failed)).containsExactly("near");
        assertThat(failed).containsOnlyKeys("far");
        assertThat(failed.get("far")).contains("far is down");
        assertThat(archive(Encryption.none()).archived("shop", "near")).containsExactly(SEGMENT);
    }
}
