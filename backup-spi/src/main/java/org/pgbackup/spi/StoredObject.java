package org.pgbackup.spi;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * A committed object as a listing shows it.
 *
 * @param name the object's name within its service
 * @param size its size in bytes
 * @param modified when it was stored, as the store reports it
 */
public record StoredObject(String name, long size, Instant modified) {
    public StoredObject {
        requireNonNull(name, "name is null");
        requireNonNull(modified, "modified is null");
    }
}
