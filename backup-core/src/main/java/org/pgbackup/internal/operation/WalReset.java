package org.pgbackup.internal.operation;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import org.pgbackup.config.Configuration;
import org.pgbackup.config.ServiceSettings;
import org.pgbackup.controller.ResetWalOptions;
import org.pgbackup.controller.ResetWalResult;
import org.pgbackup.error.ConfirmationRequiredException;
import org.pgbackup.internal.postgres.PgBinaries;
import org.pgbackup.internal.postgres.PgResetWal;
import org.tinylog.Logger;

/** {@code resetwal}, the guarded way: refused while the server runs, confirmed, saved aside first. */
public final class WalReset {
    private final OperationContext ctx;
    private final Configuration config;
    private final Clock clock;
    private final PgBinaries binaries;

    public WalReset(OperationContext ctx) {
        this.ctx = ctx;
        this.config = ctx.config();
        this.clock = ctx.clock();
        this.binaries = ctx.binaries();
    }

    public ResetWalResult resetWal(String service, ResetWalOptions options) {
        ServiceSettings settings = config.service(service);
        boolean force = options.forced();
        try (ServiceLock lock = ctx.lock(service, "resetwal")) {
            PgResetWal resetWal = new PgResetWal(binaries, config.operationTimeout(), settings);
            Optional<Path> stalePid = resetWal.checkStopped(force);
            String dryRun = resetWal.dryRun(force, stalePid);
            if (!options.confirmation().confirm(dryRun)) {
                throw new ConfirmationRequiredException("resetwal of service '" + service + "' was not confirmed;"
                        + " nothing was changed. Add --yes, or run it on a terminal and type the service name");
            }
            Path saved = WalSave.copyAside(settings.dataDirectory(),
                    config.stateDirectory(service).resolve("resetwal"), clock.instant(), stalePid);
            Logger.warn("{}: saved control data and WAL of {} to {}; resetting the write-ahead log", service,
                    settings.dataDirectory(), saved);
            return new ResetWalResult(dryRun, saved, resetWal.reset(force));
        }
    }
}
