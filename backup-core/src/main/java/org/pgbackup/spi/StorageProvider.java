package org.pgbackup.spi;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Creates storages of one kind. Implementations need a public no-argument constructor and
 * are listed in {@code META-INF/services/org.pgbackup.spi.StorageProvider}.
 */
public interface StorageProvider {

    /**
     * The id that selects this provider in {@code BACKUP_TARGET}, lower case, for example
     * {@code local} or {@code s3}. It must not clash with another provider's id or alias.
     */
    String id();

    /** Other ids that select this provider, such as {@code filesystem} for {@code local}. */
    default Set<String> aliases() {
        return Set.of();
    }

    /**
     * Checks this provider's own settings in the environment. Each problem is one sentence
     * naming the variable, the value (unless it is secret) and the fix. The controller joins
     * them to its own, so that a user sees every problem at once.
     *
     * @return the problems found; empty when the settings are usable
     */
    default List<String> validate(Map<String, String> environment) {
        return List.of();
    }

    /** The names of every setting this provider reads, for documentation checks and logs. */
    default Set<String> settings() {
        return Set.of();
    }

    /**
     * The names of settings whose values are secret, so that whoever logs the
     * configuration masks them.
     */
    default Set<String> secretSettings() {
        return Set.of();
    }

    /**
     * Creates a storage. Called only after {@link #validate} found no problem. It should not
     * contact a remote service yet: the first operation does.
     */
    Storage create(StorageContext context);
}
