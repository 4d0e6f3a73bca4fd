package org.pgbackup.controller;

import java.util.List;
import java.util.Map;

/**
 * What {@code list} found.
 *
 * @param archives the archives, newest first
 * @param unreadableDestinations destinations that could not be listed, with why; the
 *     archives they hold are missing from the list
 *
 * <p>Immutable, and so safe to share between threads.
 */
public record ArchiveListing(List<ArchiveInfo> archives, Map<String, String> unreadableDestinations) {
    public ArchiveListing {
        archives = List.copyOf(archives);
        unreadableDestinations = Map.copyOf(unreadableDestinations);
    }
}
