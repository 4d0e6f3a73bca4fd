package org.pgbackup.controller;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.pgbackup.config.TableSelection;

/**
 * A restore that finished: the database holds the archive's contents.
 *
 * @param service the service restored
 * @param archive the file restored, such as {@code file_daily_2025-07-04T09:00:00Z.dump.zst}
 *     or {@code file.dump} from the shared directory
 * @param source where it was read, as the destination describes itself
 * @param size the stored file's size in bytes
 * @param sha256 its SHA-256 as read, which matched the manifest when there was one
 * @param checkedAgainstManifest false only for a forced restore of an archive without one
 * @param jobs how many {@code pg_restore} jobs ran; 1 is one transaction
 * @param duration how long the restore took, the check included
 * @param tables the part of the database the archive held, as its manifest says; when
 *     {@link TableSelection#partial() partial}, the database lacks what was left out
 * @param database the database restored into; {@code *} when several databases of a
 *     whole-server service were
 * @param databases the restores of a whole-server run or shared copy, one per database;
 *     empty otherwise. The whole's {@code size} is their sum and its {@code sha256} empty
 *
 * <p>Immutable, and so safe to share between threads.
 */
public record RestoreResult(String service, String archive, String source, long size, String sha256,
        boolean checkedAgainstManifest, int jobs, Duration duration, TableSelection tables, String database,
        List<RestoreResult> databases) {

    public RestoreResult {
        databases = List.copyOf(databases);
    }

    /** The checksum, when a manifest vouched for it. */
    public Optional<String> verifiedSha256() {
        return checkedAgainstManifest ? Optional.of(sha256) : Optional.empty();
    }
}
