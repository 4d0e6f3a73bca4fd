package org.pgbackup.internal.wal;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.tinylog.Logger;

/**
 * Moves a service's WAL from its {@link WalSpool} into its {@link WalArchive}, on a thread of
 * its own, a pass at a time: each finished file that every destination stored is removed from
 * the spool; one that a destination did not take stays and is stored again at the next pass,
 * so a destination that was down catches up and the spool never drops what one lacks. Every
 * {@code partialEvery}, the segment being written is stored too, as {@code <segment>.partial},
 * replaced each time, so that losing the controller's volume loses at most that much; its name
 * is never a segment's, so it is never taken for a whole one, and it goes once the segment is
 * stored whole.
 */
public final class WalShipper implements AutoCloseable {
    private static final String PARTIAL = ".partial";

    private final String service;
    private final WalSpool spool;
    private final WalArchive archive;
    private final Set<String> destinations;
    private final Duration pass;
    private final Duration partialEvery;
    private final Clock clock;
    private final StopSignal closed = new StopSignal();
    private final AtomicInteger shipped = new AtomicInteger();
    private final AtomicReference<Instant> lastShipped = new AtomicReference<>();
    private final AtomicReference<String> lastSegment = new AtomicReference<>();
    private final Thread thread;
    private Instant partialShipped = Instant.MIN;

    private WalShipper(String service, WalSpool spool, WalArchive archive, Set<String> destinations, Duration pass,
            Duration partialEvery, Clock clock) {
        this.service = requireNonNull(service, "service is null");
        this.spool = requireNonNull(spool, "spool is null");
        this.archive = requireNonNull(archive, "archive is null");
        this.destinations = Set.copyOf(destinations);
        this.pass = requireNonNull(pass, "pass is null");
        this.partialEvery = requireNonNull(partialEvery, "partialEvery is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.thread = new Thread(this::run, "wal-ship-" + service);
    }

    /**
     * Starts shipping.
     *
     * @param destinations the ids of the archive's destinations: a file leaves the spool once
     *     all of them hold it
     * @param pass how often the spool is looked at
     * @param partialEvery how often the segment being written is stored
     */
    public static WalShipper start(String service, WalSpool spool, WalArchive archive, Set<String> destinations,
            Duration pass, Duration partialEvery, Clock clock) {
        WalShipper shipper = new WalShipper(service, spool, archive, destinations, pass, partialEvery, clock);
        shipper.thread.start();
        return shipper;
    }

    /** How many finished files have been stored everywhere and left the spool. */
    public int shipped() {
        return shipped.get();
    }

    /** The newest segment stored everywhere, if one has been. */
    public Optional<String> lastSegment() {
        return Optional.ofNullable(lastSegment.get());
    }

    /** When the last finished file was stored everywhere, if one has been. */
    public Optional<Instant> lastShipped() {
        return Optional.ofNullable(lastShipped.get());
    }

    private void run() {
        do {
            try {
                shipOnce();
            } catch (IOException | RuntimeException e) {
                Logger.error("{}: archiving WAL failed: {}; trying again in {} s", service, e.getMessage(),
                        pass.toSeconds());
            }
        } while (!closed.await(pass));
        // A last pass, so that a controller that stops leaves the least behind in its spool.
        try {
            shipOnce();
        } catch (IOException | RuntimeException e) {
            Logger.warn("{}: the last WAL archiving pass failed: {}; the spool keeps what was not stored", service,
                    e.getMessage());
        }
    }

    /** One pass: every finished file, then the segment being written when it is due. */
    void shipOnce() throws IOException {
        for (String name : spool.finished()) {
            Map<String, String> failed = new LinkedHashMap<>();
            List<String> stored = archive.store(service, name, spool.file(name), failed);
            if (!stored.containsAll(destinations)) {
                failed.forEach((id, why) -> Logger.error("{}: WAL file {} was not stored in {}: {}; it stays in the"
                        + " spool and is stored again at the next pass", service, name, id, why));
                continue;
            }
            spool.remove(name);
            shipped.incrementAndGet();
            lastShipped.set(clock.instant());
            if (!name.endsWith(".history")) {
                lastSegment.set(name);
            }
            try {
                archive.delete(service, name + PARTIAL);
            } catch (IOException e) {
                Logger.warn("{}: the partial copy of {} could not be removed now that it is stored whole: {}", service,
                        name, e.getMessage());
            }
        }
        Optional<String> partial = spool.partial();
        Instant now = clock.instant();
        if (partial.isPresent() && !now.isBefore(partialShipped.plus(partialEvery))) {
            Path file = spool.file(partial.get());
            // Stored from a copy: pg_receivewal goes on writing the file meanwhile.
            Path copy = Files.createTempFile(file.getParent(), "ship", ".tmp");
            try {
                Files.copy(file, copy, StandardCopyOption.REPLACE_EXISTING);
                Map<String, String> failed = new LinkedHashMap<>();
                archive.store(service, partial.get(), copy, failed);
                failed.forEach((id, why) -> Logger.warn("{}: the segment being written, {}, was not stored in {}: {}",
                        service, partial.get(), id, why));
                partialShipped = now;
            } finally {
                Files.deleteIfExists(copy);
            }
        }
    }

    /** Stops after the pass in progress and one last pass. */
    @Override
    public void close() {
        closed.stop();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
