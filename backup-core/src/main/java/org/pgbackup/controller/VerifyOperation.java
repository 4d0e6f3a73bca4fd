package org.pgbackup.controller;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pgbackup.config.Configuration;
import org.pgbackup.error.ArchiveNotFoundException;
import org.pgbackup.naming.BackupName;
import org.pgbackup.spi.Storage;
import org.tinylog.Logger;

/** {@code verify}: archives read back in full in every destination that holds them. */
final class VerifyOperation {
    private final OperationContext ctx;
    private final Configuration config;
    private final Map<String, Storage> destinations;
    private final Catalog catalog;

    VerifyOperation(OperationContext ctx, Catalog catalog) {
        this.ctx = ctx;
        this.config = ctx.config();
        this.destinations = ctx.destinations();
        this.catalog = catalog;
    }

    List<VerifyResult> verify(String service, String fileName, ProgressListener listener) {
        Progress progress = new Progress(listener, service);
        config.service(service);
        Optional<BackupName> only = Optional.ofNullable(fileName).map(BackupName::parseArgument);
        Verifier verifier = ctx.verifier();
        List<VerifyResult> results = new ArrayList<>();
        for (ArchiveInfo archive : catalog.list(service).archives()) {
            if (only.isPresent() && !only.get().equals(archive.name())) {
                continue;
            }
            for (String id : archive.locations()) {
                progress.phase(ProgressListener.Phase.VERIFYING);
                VerifyResult result = verifier.verify(id, destinations.get(id), service, archive.name().fileName(),
                        progress);
                if (result.ok()) {
                    Logger.info("{}: verified {} in {}: sha256 {}", service, archive.name(), id,
                            result.manifest().orElseThrow().sha256());
                } else {
                    Logger.error("{}: {} in {} failed verification: {}", service, archive.name(), id, result.problem());
                }
                results.add(result);
            }
        }
        progress.phase(ProgressListener.Phase.FINISHED);
        if (only.isPresent() && results.isEmpty()) {
            throw new ArchiveNotFoundException("Service '" + service + "' has no archive " + only.get() + ": run 'list "
                    + service + "' to see its archives");
        }
        return results;
    }
}
