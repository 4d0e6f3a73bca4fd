package org.pgbackup.storage.s3;

import com.google.common.collect.HashMultimap;
import com.google.common.collect.Multimap;
import io.minio.PutObjectArgs;
import io.minio.UploadPartResponse;
import io.minio.messages.Part;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.pgbackup.spi.AbstractPendingObject;
import org.tinylog.Logger;

/**
 * An upload of unknown length, pushed by the writer, never staged on disk: bytes fill one
 * part buffer; each full buffer becomes a part of a multipart upload, sent on the upload's
 * own thread while the writer fills the next, so that hashing and sending a part never
 * stall {@code pg_dump}. Memory is two part buffers (plus the HTTP client's copy of the part
 * in flight). An archive smaller than one part is sent as a single PUT at commit. Closing
 * without a commit aborts the multipart upload, so nothing is left behind, visible or not.
 */
final class S3Upload extends AbstractPendingObject {
    private final S3Storage storage;
    private final S3Settings settings;
    private final String key;
    private final List<Part> parts = new ArrayList<>();
    private final OutputStream output = new PartStream();
    private byte[] buffer;
    private byte[] spare;
    private int filled;
    private String uploadId;
    /** The part being sent, if any, and the thread that sends it; both end with the upload. */
    private Future<SentPart> inFlight;
    private ExecutorService sender;

    /** A part the server has, and the buffer it was sent from, free again. */
    private record SentPart(Part part, byte[] buffer) {
    }

    /** Runs once the object is committed, such as setting its lock again. */
    @FunctionalInterface
    interface AfterCommit {
        void run() throws IOException;
    }

    private final Multimap<String, String> headers;
    private final AfterCommit afterCommit;

    S3Upload(S3Storage storage, String key) {
        this(storage, key, HashMultimap.create(), () -> { });
    }

    /** An upload with more headers than the storage's own, such as an Object Lock's. */
    S3Upload(S3Storage storage, String key, Multimap<String, String> extraHeaders, AfterCommit afterCommit) {
        this.storage = storage;
        this.settings = storage.settings();
        this.key = key;
        this.buffer = new byte[settings.partSize()];
        this.headers = HashMultimap.create(storage.uploadHeaders());
        this.headers.putAll(extraHeaders);
        this.afterCommit = afterCommit;
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
        int number = parts.size() + (inFlight != null ? 1 : 0) + 1;
        if (number >= S3Settings.MAX_PARTS) {
            throw new IOException("The archive " + key + " exceeds " + settings.maxObjectSize() + " bytes, the most"
                    + " that " + S3Settings.MAX_PARTS + " parts of S3_PART_SIZE_MB allow: raise S3_PART_SIZE_MB");
        }
        String region = settings.region().orElse(null);
        if (uploadId == null) {
            uploadId = Await.result(settings, "starting the upload of " + key, () -> storage.client()
                    .createMultipartUploadAsync(settings.bucket(), region, key, headers, null))
                    .result().uploadId();
            sender = Executors.newSingleThreadExecutor(task -> new Thread(task, "s3-upload"));
        }
        awaitInFlight();
        byte[] full = buffer;
        int length = filled;
        inFlight = sender.submit(() -> {
            UploadPartResponse response = Await.result(settings, "uploading part " + number + " of " + key,
                    () -> storage.client().uploadPartAsync(settings.bucket(), region, key, full, length, uploadId,
                            number, null, null));
            return new SentPart(new Part(number, response.etag()), full);
        });
        buffer = spare != null ? spare : new byte[settings.partSize()];
        spare = null;
        filled = 0;
    }

    /** Waits for the part in flight, if any: its number and tag join the list, its buffer is free. */
    private void awaitInFlight() throws IOException {
        if (inFlight == null) {
            return;
        }
        Future<SentPart> sending = inFlight;
        inFlight = null;
        try {
            SentPart sent = sending.get();
            parts.add(sent.part());
            spare = sent.buffer();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause().getMessage(),
                    e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            sending.cancel(true);
            throw new InterruptedIOException("Interrupted while uploading " + key);
        }
    }

    /** Stops the upload's thread, after the part it sends, if any, has been sent or has failed. */
    private void stopSender() {
        if (sender == null) {
            return;
        }
        sender.shutdown();
        boolean interrupted = false;
        while (!sender.isTerminated()) {
            try {
                sender.awaitTermination(1, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                interrupted = true;
                sender.shutdownNow();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    protected void publish() throws IOException {
        if (uploadId == null) {
            Multimap<String, String> single = HashMultimap.create(headers);
            // S3 insists on a checksum of the body of an upload that carries a lock.
            single.put("Content-MD5", Base64.getEncoder().encodeToString(md5(buffer, filled)));
            Await.result(settings, "uploading " + key, () -> storage.client().putObject(PutObjectArgs.builder()
                    .bucket(settings.bucket()).object(key).headers(single)
                    .stream(new ByteArrayInputStream(buffer, 0, filled), filled, -1).build()));
            afterCommit.run();
            return;
        }
        try {
            if (filled > 0) {
                uploadPart();
            }
            awaitInFlight();
        } finally {
            stopSender();
        }
        Await.result(settings, "completing the upload of " + key, () -> storage.client().completeMultipartUploadAsync(
                settings.bucket(), settings.region().orElse(null), key, uploadId, parts.toArray(Part[]::new), null,
                null));
        afterCommit.run();
    }

    private static byte[] md5(byte[] bytes, int length) {
        try {
            MessageDigest digest = MessageDigest.getInstance("MD5");
            digest.update(bytes, 0, length);
            return digest.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every JDK has MD5", e);
        }
    }

    @Override
    protected void discard() {
        if (uploadId == null) {
            return;
        }
        // A part still in flight would otherwise land after the abort, and stay.
        stopSender();
        try {
            Await.result(settings, "aborting the upload of " + key, () -> storage.client().abortMultipartUploadAsync(
                    settings.bucket(), settings.region().orElse(null), key, uploadId, null, null));
        } catch (IOException e) {
            // The parts stay until the bucket's lifecycle rule for incomplete uploads removes them; nothing is visible.
            Logger.warn("{}", e.getMessage());
        }
    }
}
