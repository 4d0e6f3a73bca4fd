package org.pgbackup.storage.sftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
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

/** The storage contract against a real SSH server, plus what only SFTP has: host keys and logins. */
class SftpStorageTest extends StorageContract {
    @TempDir
    static Path work;
    static SftpTestServer server;
    static ByteCountingProxy counting;

    @BeforeAll
    static void startServer() throws IOException {
        server = SftpTestServer.start(work);
        counting = new ByteCountingProxy("127.0.0.1", server.port());
    }

    @AfterAll
    static void stopServer() throws IOException {
        counting.close();
        server.close();
    }

    @Override
    protected Storage newStorage() {
        // Through the counting proxy, for the streaming check.
        return SftpTestServer.storage(server.environment("/contract-" + UUID.randomUUID(), "SFTP_PORT",
                String.valueOf(counting.port()), "SFTP_KNOWN_HOSTS", server.knownHosts(counting.port()).toString()));
    }

    @Override
    protected long bytesReceived() {
        return counting.bytesSent();
    }

    @Override
    protected Storage unreachableStorage() throws IOException {
        try (ServerSocket closed = new ServerSocket(0)) {
            return SftpTestServer.storage(server.environment("/x", "SFTP_PORT", String.valueOf(closed.getLocalPort()),
                    "SFTP_KNOWN_HOSTS", server.knownHosts(closed.getLocalPort()).toString()));
        }
    }

    private static void put(Storage storage, String name) throws IOException {
        try (PendingObject object = storage.create("users", name)) {
            object.output().write(new byte[] {1, 2, 3});
            object.commit();
        }
    }

    @Test
    void objectsAreFilesUnderThePathAndAPasswordLogsInToo() throws IOException {
        try (Storage storage = SftpTestServer.storage(server.environment("/backups/prod", "SFTP_PRIVATE_KEY_FILE", "",
                "SFTP_PASSWORD", SftpTestServer.PASSWORD))) {
            put(storage, "a.dump");
        }
        assertThat(server.root().resolve("backups/prod/users/a.dump")).hasBinaryContent(new byte[] {1, 2, 3});
    }

    @Test
    void aServerWhoseKeyIsNotInKnownHostsGetsNothing() throws IOException {
        Path empty = Files.writeString(work.resolve("empty_known_hosts"), "");
        try (Storage storage = SftpTestServer.storage(server.environment("/stranger", "SFTP_KNOWN_HOSTS",
                empty.toString()))) {
            assertThatThrownBy(() -> put(storage, "a.dump")).isInstanceOf(IOException.class)
                    .hasMessageContaining("sftp://backup@127.0.0.1:" + server.port() + "/stranger");
        }
        assertThat(server.root().resolve("stranger")).doesNotExist();
    }

    @Test
    void aWrongPasswordFailsAndNeverShowsThePassword() throws IOException {
        try (Storage storage = SftpTestServer.storage(server.environment("/wrong", "SFTP_PRIVATE_KEY_FILE", "",
                "SFTP_PASSWORD", "not-the-password"))) {
            assertThatThrownBy(() -> storage.list("users")).isInstanceOf(IOException.class)
                    .hasMessageNotContaining("not-the-password");
        }
    }

    @Test
    void settingsProblemsAreReportedTogether() {
        java.util.List<String> problems = new SftpStorageProvider().validate(Map.of("SFTP_PATH", "relative"));
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("SFTP_HOST is empty"))
                .anySatisfy(p -> assertThat(p).startsWith("SFTP_USER is empty"))
                .anySatisfy(p -> assertThat(p).startsWith("SFTP needs a way to log in"))
                .anySatisfy(p -> assertThat(p).startsWith("SFTP_KNOWN_HOSTS is empty"))
                .anySatisfy(p -> assertThat(p).contains("SFTP_PATH").contains("an absolute path"));
    }
}
