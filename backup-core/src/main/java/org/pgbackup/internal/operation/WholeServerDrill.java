package org.pgbackup.internal.operation;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pgbackup.config.ServiceSettings;
import org.pgbackup.controller.DrillResult;
import org.pgbackup.error.ArchiveNotFoundException;
import org.pgbackup.error.BackupException;
import org.pgbackup.error.DrillFailedException;
import org.pgbackup.naming.DatabaseDirectory;
import org.tinylog.Logger;

/**
 * The drill of a whole-server service: each database's newest complete archive in turn,
 * each into a scratch database of its own, one that fails stopping none of the others.
 * Databases gone from the server at the last run are left out: their archives only wait
 * for retention.
 */
public final class WholeServerDrill {
    private final Catalog catalog;
    private final Clock clock;
    private final DrillOperation drills;

    WholeServerDrill(Catalog catalog, Clock clock, DrillOperation drills) {
        this.catalog = catalog;
        this.clock = clock;
        this.drills = drills;
    }

    DrillResult drill(ServiceSettings settings, Path plain) {
        String service = settings.name();
        Instant started = clock.instant();
        List<String> directories = catalog.list(service).archives().stream().filter(a -> !a.goneFromServer())
                .map(a -> a.directory().orElseThrow()).distinct().toList();
        if (directories.isEmpty()) {
            throw new ArchiveNotFoundException("Service '" + service + "' has no archive to drill: "
                    + settings.source().operation("dump", service) + " first");
        }
        List<DrillResult> passed = new ArrayList<>();
        Map<String, String> failures = new LinkedHashMap<>();
        for (String directory : directories) {
            String database = DatabaseDirectory.database(directory).orElseThrow();
            try {
                passed.add(drills.drill(settings.forDatabase(database), Optional.of(directory), plain,
                        clock.instant()));
            } catch (BackupException e) {
                Logger.error("{}: the drill of database '{}' failed: {}", service, database, e.getMessage());
                failures.put(database, e.getMessage());
            }
        }
        if (!failures.isEmpty()) {
            throw new DrillFailedException("Drills failed: " + DatabaseFailures.describe(service, directories.size(),
                    failures, "failed", "passed"));
        }
        DrillResult first = passed.get(0);
        Instant finished = clock.instant();
        return new DrillResult(service, first.archive(), first.source(), first.server(), first.scratchDatabase(),
                passed.stream().mapToInt(DrillResult::tables).sum(),
                passed.stream().mapToInt(DrillResult::rowCountsCompared).sum(), finished,
                Duration.between(started, finished), ServiceSettings.EVERY_DATABASE, passed);
    }
}
