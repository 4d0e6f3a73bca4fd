package org.pgbackup.internal.wal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.pgbackup.config.ServiceSettings;
import org.pgbackup.internal.postgres.PgConnection;

/** {@link StreamingReadiness} against a real server, made to lack each thing in turn. */
class StreamingReadinessTest {
    private static final String SLOT = SlotName.of("shop");

    @RegisterExtension
    final RealServer real = new RealServer();
    private ScratchServer server;

    @BeforeEach
    void plainRole() {
        server = real.server();
        server.sql("CREATE ROLE plain LOGIN PASSWORD 'plain-pw'");
    }

    private StreamingReadiness check(ServiceSettings service) throws IOException {
        return StreamingReadiness.check(new PgConnection(service, real.runner()), server.bin().resolve("psql"), SLOT);
    }

    /** pg_hba.conf without the replication lines initdb writes, as many images ship it. */
    private void refuseReplicationConnections() throws IOException {
        Path hba = server.data().resolve("pg_hba.conf");
        Files.writeString(hba, Files.readAllLines(hba).stream().filter(line -> !line.matches("\\s*\\w+\\s+replication\\s.*"))
                .collect(Collectors.joining("\n", "", "\n")));
        server.sql("SELECT pg_reload_conf()");
    }

    @Test
    void aServerAsInitdbMadeItIsReadyForItsSuperuser() throws IOException {
        StreamingReadiness readiness = check(server.service("shop"));
        assertThat(readiness.missing()).isEmpty();
        assertThat(readiness.ready()).isTrue();
    }

    @Test
    void everythingMissingIsNamedWithItsFixInOneMessageAndNothingIsCreated() throws IOException {
        server.sql("ALTER SYSTEM SET wal_level = minimal");
        server.sql("ALTER SYSTEM SET max_wal_senders = 0");
        server.pgCtl("restart");
        ServiceSettings plain = server.service("shop", "plain", "plain-pw");

        StreamingReadiness readiness = check(plain);

        assertThat(readiness.missing()).hasSize(4);
        assertThat(readiness.message(plain)).startsWith("Service 'shop' at 127.0.0.1:")
                .contains("cannot stream its WAL for point-in-time recovery: wal_level is minimal (set"
                        + " wal_level = replica")
                .contains("; role 'plain' may not replicate (ALTER ROLE \"plain\" REPLICATION")
                .contains("; no WAL sender is free (raise max_wal_senders")
                // A server with no sender refuses a replication connection before it reads pg_hba.conf.
                .contains("; whether pg_hba.conf admits a replication connection shows once the above is fixed")
                .endsWith("Nothing was changed on the server (no slot was created); dumps of the service go on as"
                        + " before")
                .doesNotContain("plain-pw");
        assertThat(server.sql("SELECT count(*) FROM pg_replication_slots")).isEqualTo("0");
    }

    @Test
    void aPgHbaWithoutAReplicationEntryIsNamedBesideTheRole() throws IOException {
        refuseReplicationConnections();
        ServiceSettings plain = server.service("shop", "plain", "plain-pw");

        StreamingReadiness readiness = check(plain);

        assertThat(readiness.missing()).hasSize(2);
        assertThat(readiness.message(plain)).contains("role 'plain' may not replicate")
                .contains("; a replication connection was refused (").contains("no pg_hba.conf entry for"
                        + " replication connection from host \"127.0.0.1\", user \"plain\"")
                .contains("): add a line to pg_hba.conf such as 'host replication plain <the controller's"
                        + " address>/32 scram-sha-256' and reload the server");
        assertThat(check(server.service("shop")).missing()).as("the superuser is refused too").singleElement()
                .asString().startsWith("a replication connection was refused (");
    }

    @Test
    void aRoleWithoutReplicationIsTheOneThingMissingOnAnotherwiseReadyServer() throws IOException {
        StreamingReadiness readiness = check(server.service("shop", "plain", "plain-pw"));
        assertThat(readiness.missing()).singleElement().asString()
                .startsWith("role 'plain' may not replicate");

        server.sql("ALTER ROLE plain REPLICATION");
        assertThat(check(server.service("shop", "plain", "plain-pw")).missing()).isEmpty();
    }

    @Test
    void aServerWhoseSlotsAreAllTakenLacksOneUnlessTheServicesOwnIsAmongThem() throws IOException {
        server.sql("ALTER SYSTEM SET max_replication_slots = 1");
        server.pgCtl("restart");
        server.sql("SELECT pg_create_physical_replication_slot('someone_else')");
        StreamingReadiness full = check(server.service("shop"));
        assertThat(full.missing()).singleElement().asString()
                .startsWith("no replication slot is free for '" + SLOT + "'");
        assertThat(full.slotExists()).isFalse();

        server.sql("SELECT pg_drop_replication_slot('someone_else'); SELECT pg_create_physical_replication_slot('"
                + SLOT + "')");
        StreamingReadiness own = check(server.service("shop"));
        assertThat(own.missing()).isEmpty();
        assertThat(own.slotExists()).isTrue();
    }
}
