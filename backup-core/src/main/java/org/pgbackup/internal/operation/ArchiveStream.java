package org.pgbackup.internal.operation;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.pgbackup.compression.ArchiveForm;
import org.pgbackup.encryption.Encryption;

/** The way {@code pg_dump}'s output takes into a dump's destinations: copied in large writes, encrypted beside. */
final class ArchiveStream {
    private ArchiveStream() {
    }

    /**
     * Copies {@code pg_dump}'s output into the sink and returns its first bytes, which show
     * whether it wrote an archive at all.
     */
    static byte[] transfer(InputStream in, OutputStream sink) throws IOException {
        byte[] head = in.readNBytes(ArchiveForm.HEAD_LENGTH);
        sink.write(head);
        // Large writes: each one crosses into the native compressor.
        byte[] buffer = new byte[OperationContext.TRANSFER_BUFFER];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            sink.write(buffer, 0, n);
        }
        return head;
    }

    /**
     * The stream that encrypts into {@code stored}: on a thread of its own, so that age's
     * cipher runs beside the compressor instead of after it; {@code stored} itself when the
     * archive is not encrypted.
     */
    static OutputStream encrypted(Encryption encryption, OutputStream stored, String service) throws IOException {
        return encryption.encryptsNewArchives()
                ? new HandOff(encryption.encrypting(stored), "encrypt-" + service) : stored;
    }
}
