package org.pgbackup.config;

import java.nio.file.Files;
import java.util.List;

/** The settings given in code that the environment reader checks as it parses: directories, ranges, durations. */
final class RangeChecks {
    private RangeChecks() {
    }

    static void check(ConfigurationBuilder b, List<String> found) {
        ConfigurationSource in = b.source;
        b.pgBinDir.filter(dir -> !Files.isDirectory(dir)).ifPresent(dir -> found.add("Invalid value for "
                + in.either("PG_BIN_DIR", "pgBinDir(Path)") + " (should be a directory holding pg_dump, pg_restore"
                + " and psql): " + dir + " is not a directory"));
        if (b.parallelism < 1 || b.parallelism > 64) {
            found.add("Invalid value for " + in.either("BACKUP_PARALLELISM", "parallelism(int)")
                    + " (should be a whole number from 1 to 64): " + b.parallelism);
        }
        b.metricsPort.filter(p -> p < 1 || p > 65535).ifPresent(p -> found.add("Invalid value for "
                + in.either("METRICS_PORT", "metricsPort(int)") + " (should be a port from 1 to 65535): " + p));
        if (b.operationTimeout.isNegative() || b.operationTimeout.isZero()) {
            found.add("Invalid value for " + in.either("OPERATION_TIMEOUT", "operationTimeout(Duration)")
                    + " (should be a positive duration" + in.either(" such as 3600, 90m or 6h", "") + "): "
                    + in.either(String.valueOf(b.operationTimeout.toSeconds()), b.operationTimeout.toString()));
        }
    }
}
