package org.pgbackup.spi;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What a destination offers when it can keep objects from being deleted or overwritten until
 * a date, even by whoever holds its credentials: S3 Object Lock, for example. The controller
 * gives each archive, manifest and roles file a date, the moment retention would delete the
 * archive plus {@link #grace()}; moves the newest archive's date on while it stays the
 * newest; and has retention wait for {@link #lockedUntil} instead of deleting early.
 *
 * <p>A storage offers it through {@link Storage#objectLocks()}, when its settings ask for locks.
 * Thread-safe, like its storage.
 */
public interface ObjectLocks {

    /** How long a lock outlasts the moment retention would delete its object. */
    Duration grace();

    /**
     * Checks that the store will enforce locks (for S3: the bucket has Object Lock enabled),
     * before anything is stored.
     *
     * @throws IOException saying what is missing and how to fix it
     */
    void check() throws IOException;

    /**
     * Starts writing an object that is locked from the moment it is committed until
     * {@code retainUntil}, as {@link Storage#create} otherwise does.
     */
    PendingObject create(String service, String name, Instant retainUntil) throws IOException;

    /**
     * Locks an object until a later date. A date before its current one changes nothing:
     * locks only grow.
     */
    void extend(String service, String name, Instant retainUntil) throws IOException;

    /**
     * Until when an object is locked: empty when it is not locked, or no longer.
     *
     * @throws java.nio.file.NoSuchFileException if there is no such object
     */
    Optional<Instant> lockedUntil(String service, String name) throws IOException;
}
