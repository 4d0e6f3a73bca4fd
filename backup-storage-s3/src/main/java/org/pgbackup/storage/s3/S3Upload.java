package org.pgbackup.storage.s3;

import io.minio.PutObjectArgs;
import io.minio.UploadPartResponse;
import io.minio.messages.Part;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import org.pgbackup.spi.AbstractPendingObject;
import org.tinylog.Logger;

/**
 * An upload of unknown length, pushed by the writer, never staged on disk: bytes fill one
 * part buffer; each full buffer becomes a part of a multipart upload. Memory is one part
 * buffer (plus the HTTP client's copy of the part in flight). An archive smaller than one
 * part is sent as a single PUT at commit. Closing without a commit aborts the multipart
 * upload, so nothing is left behind, visible or not.
 */
final class S3Upload extends AbstractPendingObject {
    private final S3Storage storage;
    private final S3Settings settings;
    private final String key;
    private final byte[] buffer;
    private final List<Part> parts = new ArrayList<>();
    private final OutputStream output = new PartStream();
    private int filled;
    private String uploadId;

    S3Upload(S3Storage storage, String key) {
        this.storage = storage;
        this.settings = storage.settings();
        this.key = key;
        this.buffer = new byte[settings.partSize()];
    }

    @Override
    public OutputStream output() {
        return output;
    }

    private final class PartStream extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            if (finished()) {
                throw new IOException("Upload of " + key + " is already finished");
            }
            while (length > 0) {
                int n = Math.min(length, buffer.length - filled);
                System.arraycopy(bytes, offset, buffer, filled, n);
                filled += n;
                offset += n;
                length -= n;
                if (filled == buffer.length) {
                    uploadPart();
                }
            }
        }
    }

    private void uploadPart() throws IOException {
        if (parts.size() + 1 >= S3Settings.MAX_PARTS) {
            throw new IOException("The archive " + key + " exceeds " + settings.maxObjectSize() + " bytes, the most"
                    + " that " + S3Settings.MAX_PARTS + " parts of S3_PART_SIZE_MB allow: raise S3_PART_SIZE_MB");
        }
        String region = settings.region().orElse(null);
        if (uploadId == null) {
            uploadId = Await.result(settings, "starting the upload of " + key, () -> storage.client()
                    .createMultipartUploadAsync(settings.bucket(), region, key, storage.uploadHeaders(), null))
                    .result().uploadId();
        }
        int number = parts.size() + 1;
        UploadPartResponse response = Await.result(settings, "uploading part " + number + " of " + key,
                () -> storage.client().uploadPartAsync(settings.bucket(), region, key, buffer, filled, uploadId, number,
                        null, null));
        parts.add(new Part(number, response.etag()));
        filled = 0;
    }

    @Override
    protected void publish() throws IOException {
        if (uploadId == null) {
            Await.result(settings, "uploading " + key, () -> storage.client().putObject(PutObjectArgs.builder()
                    .bucket(settings.bucket()).object(key).headers(storage.uploadHeaders())
                    .stream(new ByteArrayInputStream(buffer, 0, filled), filled, -1).build()));
            return;
        }
        if (filled > 0) {
            uploadPart();
        }
        Await.result(settings, "completing the upload of " + key, () -> storage.client().completeMultipartUploadAsync(
                settings.bucket(), settings.region().orElse(null), key, uploadId, parts.toArray(Part[]::new), null,
                null));
    }

    @Override
    protected void discard() {
        if (uploadId == null) {
            return;
        }
        try {
            Await.result(settings, "aborting the upload of " + key, () -> storage.client().abortMultipartUploadAsync(
                    settings.bucket(), settings.region().orElse(null), key, uploadId, null, null));
        } catch (IOException e) {
            // The parts stay until the bucket's lifecycle rule for incomplete uploads removes them; nothing is visible.
            Logger.warn("{}", e.getMessage());
        }
    }
}
