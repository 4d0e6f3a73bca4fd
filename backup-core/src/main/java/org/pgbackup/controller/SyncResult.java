package org.pgbackup.controller;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a catch-up of one service did ({@link BackupController#sync}): the archives copied to
 * the destinations that lacked them, or with a dry run those that would be.
 *
 * <p>Immutable and thread-safe.
 *
 * @param service the service
 * @param copies the archives copied (or, in a dry run, to be copied), in the order of the
 *     listing, newest first
 * @param refused archives that were not copied because no destination's bytes match their
 *     manifest, by {@code "<archive> to <destination>"}: why, naming each source
 * @param failed copies a destination could not take, by {@code "<archive> to <destination>"}
 *     or by destination when it could not even be listed: why
 * @param dryRun whether nothing was copied, only planned
 */
public record SyncResult(String service, List<Copy> copies, Map<String, String> refused, Map<String, String> failed,
        boolean dryRun) {

    /**
     * One archive (with its manifest and roles file) copied from one destination to another.
     *
     * @param archive the archive as {@code list} prints it ({@code <database>/<file>} in a
     *     whole-server service)
     * @param from the destination it was read from, whose bytes matched the manifest
     * @param to the destination that lacked it
     * @param size its size in bytes
     */
    public record Copy(String archive, String from, String to, long size) {
        /** Checks that every part is there. */
        public Copy {
            requireNonNull(archive, "archive is null");
            requireNonNull(from, "from is null");
            requireNonNull(to, "to is null");
        }
    }

    /** Copies the collections, in their order, so that the result stays as it was made. */
    public SyncResult {
        requireNonNull(service, "service is null");
        copies = List.copyOf(copies);
        refused = Collections.unmodifiableMap(new LinkedHashMap<>(refused));
        failed = Collections.unmodifiableMap(new LinkedHashMap<>(failed));
    }

    /** Whether every destination now holds every archive retention keeps (nothing refused or failed). */
    public boolean ok() {
        return refused.isEmpty() && failed.isEmpty();
    }
}
