package org.pgbackup.status;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.pgbackup.controller.DumpResult;
import org.pgbackup.controller.ScheduledBackups;
import org.pgbackup.error.HeldByOtherControllerException;

/**
 * Dumps started over HTTP: each runs on this object's own threads through
 * {@link ScheduledBackups#dumpNow}, like a slot of the schedule, and is kept by id (the last
 * {@link #KEPT}) so that {@code GET /api/v1/runs/<id>} can follow it.
 *
 * <p>Thread-safe; {@link #close()} abandons nothing that runs (a dump in progress finishes
 * under the command's stop grace) but takes no new ones.
 */
final class ManualDumps implements AutoCloseable {
    static final int KEPT = 100;

    /** One dump asked for over HTTP. */
    record ManualRun(String id, String service, Instant started, String state, Optional<Instant> finished,
            Optional<DumpResult> result, Optional<String> error) {
    }

    private final ScheduledBackups loop;
    private final StatusBoard board;
    private final Clock clock;
    private final ExecutorService workers = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "status-dump");
        thread.setDaemon(true);
        return thread;
    });
    private final Map<String, ManualRun> runs = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ManualRun> eldest) {
            return size() > KEPT;
        }
    };

    ManualDumps(ScheduledBackups loop, StatusBoard board, Clock clock) {
        this.loop = loop;
        this.board = board;
        this.clock = clock;
    }

    /** Starts a dump of the service, or gives empty when one of it is already running. */
    synchronized Optional<ManualRun> start(String service) {
        boolean asked = runs.values().stream().anyMatch(r -> r.service().equals(service) && r.state().equals("running"));
        if (asked || board.running(service)) {
            return Optional.empty();
        }
        ManualRun run = new ManualRun(UUID.randomUUID().toString(), service, clock.instant(), "running",
                Optional.empty(), Optional.empty(), Optional.empty());
        runs.put(run.id(), run);
        workers.execute(() -> finish(run));
        return Optional.of(run);
    }

    private void finish(ManualRun run) {
        ManualRun done;
        try {
            DumpResult result = loop.dumpNow(run.service());
            done = new ManualRun(run.id(), run.service(), run.started(), result.complete() ? "ok" : "incomplete",
                    Optional.of(clock.instant()), Optional.of(result), Optional.empty());
        } catch (HeldByOtherControllerException e) {
            done = new ManualRun(run.id(), run.service(), run.started(), "skipped", Optional.of(clock.instant()),
                    Optional.empty(), Optional.of(firstLine(e)));
        } catch (RuntimeException e) {
            done = new ManualRun(run.id(), run.service(), run.started(), "failed", Optional.of(clock.instant()),
                    Optional.empty(), Optional.of(firstLine(e)));
        }
        synchronized (this) {
            runs.put(run.id(), done);
        }
    }

    private static String firstLine(Exception e) {
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        return message.lines().findFirst().orElse(message);
    }

    synchronized Optional<ManualRun> get(String id) {
        return Optional.ofNullable(runs.get(id));
    }

    @Override
    public void close() {
        workers.shutdown();
    }
}
