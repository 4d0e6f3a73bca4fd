package org.pgbackup.internal.operation;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;
import org.pgbackup.config.Configuration;
import org.pgbackup.config.ServiceSettings;
import org.pgbackup.error.StorageException;
import org.pgbackup.error.StreamingNotReadyException;
import org.pgbackup.internal.postgres.PgConnection;
import org.pgbackup.internal.process.ProcessResult;
import org.pgbackup.internal.process.ProcessSpec;
import org.pgbackup.internal.wal.SlotName;
import org.pgbackup.internal.wal.StreamingReadiness;
import org.pgbackup.internal.wal.WalArchive;
import org.pgbackup.internal.wal.WalReceiver;
import org.pgbackup.internal.wal.WalShipper;
import org.pgbackup.internal.wal.WalSpool;
import org.pgbackup.pitr.WalPosition;
import org.pgbackup.pitr.WalStream;
import org.tinylog.Logger;

/**
 * One service's WAL streaming into every destination: {@link WalReceiver} into the spool in the
 * service's state directory, {@link WalShipper} from there into the {@link WalArchive}. It starts
 * only after the server was found ready, so that a server that is not changes nothing.
 */
public final class WalStreaming implements WalStream {
    /** The spool's directory inside the service's state directory. */
    static final String SPOOL = "wal-spool";
    private static final Duration MAX_BACK_OFF = Duration.ofMinutes(1);
    private static final Duration PASS = Duration.ofSeconds(2);
    private static final Duration QUERY_TIMEOUT = Duration.ofMinutes(1);

    private final String service;
    private final WalReceiver receiver;
    private final WalShipper shipper;
    private final Consumer<WalStream> onClose;
    private final ReplicationServer server;
    private final Clock clock;

    private WalStreaming(String service, WalReceiver receiver, WalShipper shipper, Consumer<WalStream> onClose,
            ReplicationServer server, Clock clock) {
        this.service = service;
        this.server = server;
        this.clock = clock;
        this.receiver = receiver;
        this.shipper = shipper;
        this.onClose = onClose;
    }

    /**
     * Checks the server, then starts streaming.
     *
     * @param onClose told when the stream is closed, so that its owner lets go of it
     * @throws StreamingNotReadyException naming everything the server lacks; nothing was changed
     */
    public static WalStreaming start(OperationContext ctx, String service, Consumer<WalStream> onClose) {
        Configuration config = ctx.config();
        ReplicationServer server = ReplicationServer.of(ctx, service);
        ServiceSettings settings = server.connection().service();
        String slot = SlotName.of(service);
        StreamingReadiness readiness;
        try {
            readiness = StreamingReadiness.check(server.connection(), server.psql(), slot);
        } catch (java.io.IOException e) {
            throw new StreamingNotReadyException("Service '" + service + "' at " + settings.address() + " could not"
                    + " be asked whether it can stream its WAL: " + e.getMessage());
        }
        if (!readiness.ready()) {
            throw new StreamingNotReadyException(readiness.message(settings));
        }
        Path receiveWal = server.program(ctx, "pg_receivewal");
        WalSpool spool = new WalSpool(config.stateDirectory(service).resolve(SPOOL));
        try {
            spool.directory();
        } catch (java.io.IOException e) {
            throw new StorageException("Cannot create the WAL spool of service '" + service + "' in "
                    + config.stateDirectory(service) + ": " + e.getMessage(), e);
        }
        WalArchive archive = new WalArchive(ctx.destinations(), config.encryption());
        archive.removeStale(service);
        WalReceiver receiver = WalReceiver.start(server.connection(), receiveWal, server.psql(), slot, spool,
                MAX_BACK_OFF);
        WalShipper shipper = WalShipper.start(service, spool, archive,
                ctx.destinations().keySet(), PASS, config.pitr().partialEvery(), ctx.clock());
        Logger.info("{}: streaming WAL from {} (PostgreSQL {}) through slot '{}' to {}; a slot keeps WAL on the server"
                + " while the controller is down: set max_slot_wal_keep_size on the server to bound it", service,
                settings.address(), server.version(), slot, String.join(", ", ctx.destinations().keySet()));
        return new WalStreaming(service, receiver, shipper, onClose, server, ctx.clock());
    }

    @Override
    public String service() {
        return service;
    }

    @Override
    public int archived() {
        return shipper.shipped();
    }

    @Override
    public Optional<Instant> lastArchived() {
        return shipper.lastShipped();
    }

    @Override
    public int gaps() {
        return receiver.slotsRecreated();
    }

    @Override
    public WalPosition position() throws IOException {
        String slot = SlotName.of(service);
        PgConnection connection = server.connection();
        ProcessResult result = connection.runner().run(ProcessSpec.of(connection.command(server.psql(), "--no-psqlrc",
                "--tuples-only", "--no-align", "--field-separator= ", "--command=SELECT pg_current_wal_lsn(),"
                        + " pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint,"
                        + " (SELECT setting::bigint FROM pg_settings WHERE name = 'wal_segment_size'), coalesce((SELECT"
                        + " pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::bigint FROM pg_replication_slots"
                        + " WHERE slot_name = '" + slot + "'), 0)"), connection.environment(), QUERY_TIMEOUT));
        if (!result.succeeded()) {
            throw new IOException("asking " + connection.service().address() + " for its WAL position failed: "
                    + result.failure());
        }
        String[] fields = result.stdout().strip().split(" ");
        long current = Long.parseLong(fields[1]);
        long segmentSize = Long.parseLong(fields[2]);
        Optional<String> last = shipper.lastSegment();
        // WAL up to the end of the newest segment stored whole is archived; the rest is still to come.
        long archivedThrough = last.map(name -> (Long.parseLong(name.substring(8, 16), 16) * (0x1_0000_0000L
                / segmentSize) + Long.parseLong(name.substring(16, 24), 16) + 1) * segmentSize).orElse(0L);
        long lagBytes = Math.max(0, current - archivedThrough);
        // A finished segment not yet stored: the segment being written is always one behind the current position.
        Duration lag = lagBytes > segmentSize && shipper.lastShipped().isPresent()
                ? Duration.between(shipper.lastShipped().get(), clock.instant()) : Duration.ZERO;
        return new WalPosition(fields[0], last, archivedThrough, lagBytes, lag, Long.parseLong(fields[3]));
    }

    /** The receiver first, so that the shipper's last pass stores what it wrote last. */
    @Override
    public void close() {
        receiver.close();
        shipper.close();
        onClose.accept(this);
    }
}
