package org.pgbackup.storage.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pgbackup.spi.PendingObject;
import org.pgbackup.spi.Storage;
import org.pgbackup.storage.testkit.ByteCountingProxy;
import org.pgbackup.storage.testkit.StorageContract;

/** The storage contract against Azurite, plus what only Azure has: containers, prefixes, credentials. */
class AzureBlobStorageTest extends StorageContract {
    @TempDir
    static Path work;
    static AzuriteServer server;
    static ByteCountingProxy counting;

    @BeforeAll
    static void startServer() throws IOException {
        server = AzuriteServer.start(work);
        counting = new ByteCountingProxy("127.0.0.1", server.port());
    }

    @AfterAll
    static void stopServer() throws IOException {
        counting.close();
        server.close();
    }

    @Override
    protected Storage newStorage() {
        String container = "contract-" + UUID.randomUUID().toString().substring(0, 8);
        server.container(container);
        // Small blocks, so that the 12 MiB object takes several; through the counting proxy.
        return AzuriteServer.storage(server.environment(container, "projects/contract", "AZURE_BLOB_BLOCK_SIZE_MB", "4",
                "AZURE_BLOB_ENDPOINT", AzuriteServer.endpoint(counting.port())));
    }

    @Override
    protected long bytesReceived() {
        return counting.bytesSent();
    }

    @Override
    protected Storage unreachableStorage() throws IOException {
        try (ServerSocket closed = new ServerSocket(0)) {
            return AzuriteServer.storage(server.environment("x", "", "AZURE_BLOB_ENDPOINT",
                    AzuriteServer.endpoint(closed.getLocalPort()), "AZURE_BLOB_MAX_RETRIES", "1"));
        }
    }

    @Test
    void aMissingContainerIsNamedWithTheFix() throws IOException {
        try (Storage storage = AzuriteServer.storage(server.environment("never-made", ""))) {
            assertThatThrownBy(() -> storage.list("users")).isInstanceOf(IOException.class)
                    .hasMessageContaining("the container 'never-made' does not exist: create it, or fix"
                            + " AZURE_BLOB_CONTAINER")
                    .hasMessageNotContaining(AzuriteServer.KEY);
        }
    }

    @Test
    void aWrongKeyFailsAndNeverShowsAKey() throws IOException {
        server.container("wrong-key");
        String wrong = "d3JvbmcgYnV0IHdlbGwtZm9ybWVkIGtleSB0aGF0IG11c3Qgbm90IGJlIHNob3du";
        try (Storage storage = AzuriteServer.storage(server.environment("wrong-key", "", "AZURE_BLOB_ACCOUNT_KEY",
                wrong))) {
            assertThatThrownBy(() -> {
                try (PendingObject object = storage.create("users", "a.dump")) {
                    object.output().write(1);
                    object.commit();
                }
            }).isInstanceOf(IOException.class).hasMessageContaining("status 403").hasMessageNotContaining(wrong);
        }
    }

    @Test
    void settingsProblemsAreReportedTogether() {
        List<String> problems = new AzureBlobStorageProvider().validate(Map.of("AZURE_BLOB_ACCOUNT_KEY", "k",
                "AZURE_BLOB_SAS_TOKEN", "s"));
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("AZURE_BLOB_ACCOUNT_NAME is empty"))
                .anySatisfy(p -> assertThat(p).contains("AZURE_BLOB_ACCOUNT_KEY or AZURE_BLOB_SAS_TOKEN, not both"))
                .anySatisfy(p -> assertThat(p).startsWith("AZURE_BLOB_CONTAINER is empty"));
    }
}
