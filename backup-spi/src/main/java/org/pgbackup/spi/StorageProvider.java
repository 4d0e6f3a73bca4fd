package org.pgbackup.spi;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Creates storages of one kind. Implementations need a public no-argument constructor and
 * are listed in {@code META-INF/services/org.pgbackup.spi.StorageProvider}.
 *
 * <p>A provider sees only its own settings: the variables under its
 * {@link #settingsPrefix()} ({@code S3_*} for {@code s3}, {@code MY_STORE_*} for
 * {@code my-store}) and the {@link #COMMON_SETTINGS}. It never receives a database
 * password or another provider's settings, even when a service's name puts its
 * variables under the same prefix.
 *
 * <p>The controller calls a provider from one thread at a time; a provider keeps no state
 * between calls.
 */
public interface StorageProvider {

    /** Settings every provider may read besides its own: {@code TZ}, the controller's time zone. */
    Set<String> COMMON_SETTINGS = Set.of("TZ");

    /**
     * The id that selects this provider in {@code BACKUP_TARGET}: lower-case letters, digits
     * and {@code -}, starting with a letter, for example {@code local} or {@code s3}. It
     * must not clash with another provider's id or alias.
     */
    String id();

    /** Other ids that select this provider, such as {@code filesystem} for {@code local}. */
    default Set<String> aliases() {
        return Set.of();
    }

    /**
     * The prefix of this provider's settings: the id in upper case, {@code -} as {@code _},
     * and a trailing {@code _}, such as {@code S3_} or {@code MY_STORE_}.
     */
    default String settingsPrefix() {
        return settingsPrefix(id());
    }

    /** The settings prefix of a provider id: {@code my-store} gives {@code MY_STORE_}. */
    static String settingsPrefix(String id) {
        return id.toUpperCase(Locale.ROOT).replace('-', '_') + "_";
    }

    /**
     * Checks this provider's own settings. Each problem is one sentence naming the variable,
     * the value (unless it is secret) and the fix; {@link Settings} writes them in the
     * controller's form. The controller joins them to its own, so that a user sees every
     * problem at once.
     *
     * @param settings the same settings {@link StorageContext#settings()} will hold
     * @return the problems found; empty when the settings are usable
     */
    default List<String> validate(Map<String, String> settings) {
        return List.of();
    }

    /**
     * The names of every setting this provider reads, each under {@link #settingsPrefix()}
     * or among the {@link #COMMON_SETTINGS}, for documentation checks and logs.
     *
     * <p>A provider that declares settings can be named more than once in
     * {@code BACKUP_TARGET} ({@code my-store:offsite}) with no code of its own: each named
     * instance receives, in {@link StorageContext#settings()} and {@link #validate}, its own
     * variables ({@code MY_STORE_OFFSITE_URL}) under this provider's names
     * ({@code MY_STORE_URL}), and the controller writes this provider's messages back in the
     * instance's names. A provider that declares none has nothing to tell two instances
     * apart, and a second instance of it is refused.
     */
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
