package org.pgbackup.internal.operation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pgbackup.config.Configuration;
import org.pgbackup.controller.ArchiveInfo;
import org.pgbackup.controller.Cancellation;
import org.pgbackup.controller.ProgressListener;
import org.pgbackup.controller.VerifyResult;
import org.pgbackup.error.ArchiveNotFoundException;
import org.pgbackup.naming.BackupName;
import org.pgbackup.naming.DatabaseDirectory;
import org.pgbackup.spi.Storage;
import org.tinylog.Logger;

/** {@code verify}: archives read back in full in every destination that holds them. */
public final class VerifyOperation {
    private final OperationContext ctx;
    private final Configuration config;
    private final Map<String, Storage> destinations;
    private final Catalog catalog;

    public VerifyOperation(OperationContext ctx, Catalog catalog) {
        this.ctx = ctx;
        this.config = ctx.config();
        this.destinations = ctx.destinations();
        this.catalog = catalog;
    }

    public List<VerifyResult> verify(String service, String fileName, ProgressListener listener,
            Cancellation cancellation) {
        Progress progress = new Progress(listener, service, cancellation, ctx.runner());
        boolean wholeServer = config.service(service).wholeServer();
        // A whole-server service's archive is <database>/<archive>, as list prints it.
        Optional<String> onlyDirectory = Optional.ofNullable(fileName).filter(f -> wholeServer && f.contains("/"))
                .map(f -> f.substring(0, f.lastIndexOf('/')))
                .map(d -> DatabaseDirectory.database(d).isPresent() ? d : DatabaseDirectory.of(d));
        Optional<BackupName> only = Optional.ofNullable(fileName).map(f -> wholeServer
                ? f.substring(f.lastIndexOf('/') + 1) : f).map(BackupName::parseArgument);
        Verifier verifier = ctx.verifier();
        List<VerifyResult> results = new ArrayList<>();
        for (ArchiveInfo archive : catalog.list(service).archives()) {
            if (only.isPresent() && !only.get().equals(archive.name())
                    || onlyDirectory.isPresent() && !onlyDirectory.equals(archive.directory())) {
                continue;
            }
            String directory = archive.directory().map(d -> service + "/" + d).orElse(service);
            for (String id : archive.locations()) {
                progress.phase(ProgressListener.Phase.VERIFYING);
                VerifyResult result = verifier.verify(id, destinations.get(id), directory, archive.name().fileName(),
                        progress).named(archive.path());
                if (result.ok()) {
                    Logger.info("{}: verified {} in {}: sha256 {}", service, archive.path(), id,
                            result.manifest().orElseThrow().sha256());
                } else {
                    Logger.error("{}: {} in {} failed verification: {}", service, archive.path(), id,
                            result.problem());
                }
                results.add(result);
            }
        }
        progress.phase(ProgressListener.Phase.FINISHED);
        if (only.isPresent() && results.isEmpty()) {
            throw new ArchiveNotFoundException("Service '" + service + "' has no archive " + fileName + ": "
                    + config.source().operation("list", service) + " to see its archives");
        }
        return results;
    }
}
