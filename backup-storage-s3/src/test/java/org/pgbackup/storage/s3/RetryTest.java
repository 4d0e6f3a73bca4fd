package org.pgbackup.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.pgbackup.spi.PendingObject;
import org.pgbackup.spi.Storage;

/**
 * {@code S3_MAX_RETRIES=N} means N retries after the first attempt, no more and no fewer,
 * shown against an endpoint that fails the first two attempts.
 */
class RetryTest {
    static S3ProxyServer server;

    @BeforeAll
    static void startServer() {
        server = S3ProxyServer.start().bucket("retries");
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    private static Storage through(FaultyProxy proxy, int retries) {
        return S3ProxyServer.storage(server.environment("retries", "r", "S3_ENDPOINT", proxy.endpoint(),
                "S3_MAX_RETRIES", Integer.toString(retries)));
    }

    @ParameterizedTest
    @EnumSource(FaultyProxy.Fault.class)
    void twoRetriesSucceedOnTheThirdAttempt(FaultyProxy.Fault fault) throws IOException {
        try (FaultyProxy proxy = new FaultyProxy(server.port(), 2, fault); Storage s = through(proxy, 2)) {
            assertThat(s.list("nobody")).isEmpty();
            assertThat(proxy.connections()).isEqualTo(3);
        }
    }

    @ParameterizedTest
    @EnumSource(FaultyProxy.Fault.class)
    void oneRetryIsTwoAttemptsAndFails(FaultyProxy.Fault fault) throws IOException {
        try (FaultyProxy proxy = new FaultyProxy(server.port(), 2, fault); Storage s = through(proxy, 1)) {
            assertThatThrownBy(() -> s.list("nobody")).isInstanceOf(IOException.class)
                    .hasMessageContaining("listing r/nobody/ failed");
            assertThat(proxy.connections()).isEqualTo(2);
        }
    }

    @ParameterizedTest
    @EnumSource(FaultyProxy.Fault.class)
    void zeroRetriesIsASingleAttempt(FaultyProxy.Fault fault) throws IOException {
        try (FaultyProxy proxy = new FaultyProxy(server.port(), 1, fault); Storage s = through(proxy, 0)) {
            assertThatThrownBy(() -> s.list("nobody")).isInstanceOf(IOException.class);
            assertThat(proxy.connections()).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @EnumSource(FaultyProxy.Fault.class)
    void uploadsAreRetriedToo(FaultyProxy.Fault fault) throws IOException {
        try (FaultyProxy proxy = new FaultyProxy(server.port(), 2, fault); Storage s = through(proxy, 2)) {
            try (PendingObject o = s.create("users", "a.dump")) {
                o.output().write(new byte[1000]);
                o.commit();
            }
            assertThat(server.keys("retries")).contains("r/users/a.dump");
        }
    }
}
