package org.pgbackup.internal.wal;

import java.io.IOException;
import java.io.OutputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.commons.io.output.CloseShieldOutputStream;
import org.apache.commons.io.output.CountingOutputStream;
import org.pgbackup.compression.Compression;
import org.pgbackup.encryption.Encryption;
import org.pgbackup.internal.storage.FanOut;
import org.pgbackup.spi.PendingObject;
import org.pgbackup.spi.Storage;

/**
 * One object written to every destination at once, compressed with zstd and encrypted with
 * age when encryption is on, with the SHA-256 and size of the bytes as stored taken on the way;
 * then, in each destination that stored it, the sidecar that says it is whole, written last.
 * What has no sidecar is never taken for whole: a writer killed between the two leaves an
 * object that is written again.
 */
final class SealedUpload {
    /** Writes the plain bytes of the object. */
    @FunctionalInterface
    interface Body {
        void writeTo(OutputStream plain) throws IOException;
    }

    /**
     * What was stored.
     *
     * @param destinations those that hold the object and its sidecar
     * @param sha256 of the stored bytes, hex
     * @param size of the stored bytes
     */
    record Sealed(List<String> destinations, String sha256, long size) {
    }

    private SealedUpload() {
    }

    /**
     * @param directory the {@link Storage} service the object goes under
     * @param sidecar the sidecar's name and its bytes, from the stored bytes' SHA-256 and size
     * @param failed receives why each destination that does not hold both failed
     * @throws IOException if the body fails: then no destination keeps anything
     */
    static Sealed write(Map<String, Storage> destinations, String directory, String object, Encryption encryption,
            Body body, String sidecar, Function<Sealed, byte[]> sidecarBytes, Map<String, String> failed)
            throws IOException {
        Map<String, PendingObject> pending = new LinkedHashMap<>();
        destinations.forEach((id, storage) -> {
            try {
                pending.put(id, storage.create(directory, object));
            } catch (IOException | RuntimeException e) {
                failed.put(id, e.getMessage());
            }
        });
        if (pending.isEmpty()) {
            return new Sealed(List.of(), "", 0);
        }
        MessageDigest sha256 = sha256();
        List<String> stored;
        long size;
        try (FanOut out = new FanOut(pending)) {
            CountingOutputStream counted = new CountingOutputStream(CloseShieldOutputStream.wrap(out));
            try (OutputStream sink = Compression.DEFAULT.compressing(encryption.encrypting(
                    new DigestOutputStream(counted, sha256)))) {
                body.writeTo(sink);
            } catch (IOException e) {
                failed.putAll(out.failures());
                throw e;
            }
            stored = out.commit();
            failed.putAll(out.failures());
            size = counted.getByteCount();
        }
        Sealed written = new Sealed(stored, HexFormat.of().formatHex(sha256.digest()), size);
        byte[] bytes = sidecarBytes.apply(written);
        List<String> sealed = new ArrayList<>();
        for (String id : stored) {
            try (PendingObject side = destinations.get(id).create(directory, sidecar)) {
                side.output().write(bytes);
                side.commit();
                sealed.add(id);
            } catch (IOException | RuntimeException e) {
                failed.put(id, "the object is stored but its sidecar " + sidecar + " is not, so it counts as missing: "
                        + e.getMessage());
            }
        }
        return new Sealed(sealed, written.sha256(), size);
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every JDK has SHA-256", e);
        }
    }
}
