package org.pgbackup.storage.azure;

import com.azure.core.http.rest.PagedIterable;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobErrorCode;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.specialized.BlockBlobClient;
import com.azure.storage.common.StorageSharedKeyCredential;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import org.pgbackup.spi.AbstractPendingObject;
import org.pgbackup.spi.PendingObject;
import org.pgbackup.spi.Storage;
import org.pgbackup.spi.StoredObject;

/**
 * Block blobs in one container: the object {@code name} of {@code service} is the blob
 * {@code <prefix><service>/<name>}. A write stages a block each time a block's worth of
 * bytes has been written, and commits the block list at {@link PendingObject#commit()}:
 * until then the blob's blocks are uncommitted, which listings and reads never see, and the
 * old blob stays whole. An abandoned write leaves uncommitted blocks, which Azure removes
 * after a week or at the blob's next commit.
 *
 * <p>Thread-safe: the SDK's clients are, and each write has its own buffer.
 */
final class AzureBlobStorage implements Storage {
    private final AzureBlobSettings settings;
    private final BlobContainerClient container;

    AzureBlobStorage(AzureBlobSettings settings) {
        this.settings = settings;
        BlobServiceClientBuilder builder = new BlobServiceClientBuilder().endpoint(settings.endpoint().toString())
                .retryOptions(new RequestRetryOptions(RetryPolicyType.EXPONENTIAL, settings.maxTries(),
                        settings.tryTimeout(), Duration.ofMillis(500), Duration.ofSeconds(4), null));
        if (settings.accountKey().isPresent()) {
            builder.credential(new StorageSharedKeyCredential(settings.account(), settings.accountKey().get()));
        } else {
            builder.sasToken(settings.sasToken().orElseThrow());
        }
        // Nothing is contacted here: the first operation does.
        this.container = builder.buildClient().getBlobContainerClient(settings.container());
    }

    @Override
    public String describe() {
        return settings.describe();
    }

    private String blob(String service, String name) {
        return settings.prefix() + service + "/" + name;
    }

    /**
     * Runs a call of the SDK and turns what it throws into an {@link IOException} that says
     * what failed where, from the service's error code and status: never the request, whose
     * URL may hold a SAS token.
     */
    private <T> T call(String what, Supplier<T> call) throws IOException {
        try {
            return call.get();
        } catch (BlobStorageException e) {
            String code = String.valueOf(e.getErrorCode());
            if (BlobErrorCode.CONTAINER_NOT_FOUND.equals(e.getErrorCode())) {
                throw new IOException(what + " failed (" + describe() + "): the container '" + settings.container()
                        + "' does not exist: create it, or fix AZURE_BLOB_CONTAINER", e);
            }
            throw new IOException(what + " failed (" + describe() + "): status " + e.getStatusCode() + ", " + code, e);
        } catch (RuntimeException e) {
            Throwable cause = e;
            while (cause.getCause() != null && cause.getCause() != cause) {
                cause = cause.getCause();
            }
            throw new IOException(what + " failed (" + describe() + "): " + cause.getClass().getSimpleName()
                    + (cause.getMessage() == null ? "" : ": " + cause.getMessage().replaceAll("sig=[^&\\s]+", "sig=***")),
                    e);
        }
    }

    @Override
    public PendingObject create(String service, String name) {
        Storage.checkNames(service, name);
        String key = blob(service, name);
        BlockUpload upload = new BlockUpload(key, container.getBlobClient(key).getBlockBlobClient());
        return new AbstractPendingObject() {
            @Override
            public OutputStream output() {
                return upload;
            }

            @Override
            protected void publish() throws IOException {
                upload.commit();
            }

            @Override
            protected void discard() {
                // Uncommitted blocks are never visible and expire on their own.
            }
        };
    }

    /**
     * The bytes of one blob being written: each time a block's worth has been written it is
     * staged, uncommitted; {@link #commit()} stages the rest and commits the block list.
     * Closing it sends nothing and commits nothing.
     */
    private final class BlockUpload extends OutputStream {
        private final String key;
        private final BlockBlobClient blob;
        private final String upload = UUID.randomUUID().toString();
        private final List<String> blocks = new ArrayList<>();
        private final byte[] buffer = new byte[settings.blockSize()];
        private int filled;

        BlockUpload(String key, BlockBlobClient blob) {
            this.key = key;
            this.blob = blob;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            while (len > 0) {
                int n = Math.min(len, buffer.length - filled);
                System.arraycopy(b, off, buffer, filled, n);
                filled += n;
                off += n;
                len -= n;
                if (filled == buffer.length) {
                    stage();
                }
            }
        }

        /** Sends the buffered bytes as one uncommitted block. */
        private void stage() throws IOException {
            // Every id of a blob has the same length: this upload's, then the block's number.
            String id = Base64.getEncoder().encodeToString((upload + "-" + String.format("%06d", blocks.size()))
                    .getBytes(StandardCharsets.US_ASCII));
            int length = filled;
            call("writing " + key, () -> {
                blob.stageBlock(id, new ByteArrayInputStream(buffer, 0, length), length);
                return null;
            });
            blocks.add(id);
            filled = 0;
        }

        void commit() throws IOException {
            if (filled > 0) {
                stage();
            }
            call("storing " + key, () -> blob.commitBlockList(blocks, true));
        }

        @Override
        public void close() {
        }
    }

    @Override
    public InputStream open(String service, String name) throws IOException {
        Storage.checkNames(service, name);
        String key = blob(service, name);
        try {
            // The stream reads in chunks, each conditioned on the blob's first ETag: a blob
            // replaced meanwhile fails the read rather than mixing old and new bytes.
            InputStream in = container.getBlobClient(key).openInputStream();
            return new FilterInputStream(in) {
                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    try {
                        return super.read(b, off, len);
                    } catch (RuntimeException e) {
                        throw new IOException("reading " + key + " failed (" + describe() + "): " + e, e);
                    }
                }
            };
        } catch (BlobStorageException e) {
            if (e.getStatusCode() == 404) {
                throw new NoSuchFileException(key, null, "no such archive in " + describe());
            }
            return call("reading " + key, () -> {
                throw e;
            });
        } catch (RuntimeException e) {
            return call("reading " + key, () -> {
                throw e;
            });
        }
    }

    private List<BlobItem> items(String service) throws IOException {
        String prefix = settings.prefix() + service + "/";
        return call("listing " + prefix, () -> {
            PagedIterable<BlobItem> listing = container.listBlobsByHierarchy("/", new ListBlobsOptions()
                    .setPrefix(prefix), settings.tryTimeout().multipliedBy(settings.maxTries()));
            List<BlobItem> items = new ArrayList<>();
            listing.forEach(items::add);
            return items;
        });
    }

    @Override
    public List<StoredObject> list(String service) throws IOException {
        Storage.checkNames(service, null);
        int skip = (settings.prefix() + service + "/").length();
        List<StoredObject> objects = new ArrayList<>();
        for (BlobItem item : items(service)) {
            String name = item.getName().substring(skip);
            if (!Boolean.TRUE.equals(item.isPrefix()) && !name.startsWith(".")) {
                objects.add(new StoredObject(name, item.getProperties().getContentLength(),
                        item.getProperties().getLastModified().toInstant()));
            }
        }
        objects.sort(java.util.Comparator.comparing(StoredObject::name));
        return objects;
    }

    @Override
    public List<String> directories(String service) throws IOException {
        Storage.checkNames(service, null);
        int skip = (settings.prefix() + service + "/").length();
        List<String> names = new ArrayList<>();
        for (BlobItem item : items(service)) {
            if (Boolean.TRUE.equals(item.isPrefix())) {
                String name = item.getName().substring(skip).replaceAll("/$", "");
                if (!name.isEmpty() && !name.startsWith(".")) {
                    names.add(name);
                }
            }
        }
        names.sort(null);
        return names;
    }

    @Override
    public void delete(String service, String name) throws IOException {
        Storage.checkNames(service, name);
        String key = blob(service, name);
        call("deleting " + key, () -> container.getBlobClient(key).deleteIfExists());
    }
}
