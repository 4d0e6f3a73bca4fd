package org.pgbackup.internal.operation;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.pgbackup.config.Configuration;
import org.pgbackup.naming.Sidecar;
import org.pgbackup.retention.RetentionDecision;
import org.pgbackup.spi.Storage;
import org.tinylog.Logger;

/** Retention applied to one destination of a service after a dump that stored a new archive there. */
public final class RetentionSweep {
    private final Configuration config;
    private final Clock clock;

    RetentionSweep(OperationContext ctx) {
        this.config = ctx.config();
        this.clock = ctx.clock();
    }


    /**
     * Applies the retention policy to one destination of a service, after a dump that
     * stored a new archive there: a failed dump never deletes anything.
     */
    void apply(String service, String id, Storage storage, Map<String, List<String>> removed,
            Map<String, String> failed) {
        List<String> names = new ArrayList<>();
        try {
            storage.list(service).forEach(o -> names.add(o.name()));
        } catch (IOException e) {
            failed.put(id + " (retention)", "cannot list: " + e.getMessage());
            return;
        }
        List<String> deleted = new ArrayList<>();
        for (RetentionDecision decision : config.retention(id).decide(names, clock.instant())) {
            if (!decision.delete()) {
                continue;
            }
            try {
                // The manifest goes first: an archive without one is incomplete, never mistaken for good.
                storage.delete(service, Sidecar.MANIFEST.of(decision.fileName()));
                storage.delete(service, decision.fileName());
                storage.delete(service, Sidecar.ROLES.of(decision.fileName()));
                deleted.add(decision.fileName());
                Logger.info("{}: retention removed {} from {}: {}", service, decision.fileName(), id, decision.reason());
            } catch (IOException e) {
                failed.put(id + " (retention)", "cannot delete " + decision.fileName() + ": " + e.getMessage());
                Logger.error("{}: retention could not remove {} from {}: {}", service, decision.fileName(), id,
                        e.getMessage());
            }
        }
        if (!deleted.isEmpty()) {
            removed.put(id, List.copyOf(deleted));
        }
    }
}
