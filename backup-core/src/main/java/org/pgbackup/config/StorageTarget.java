package org.pgbackup.config;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.pgbackup.spi.StorageProvider;

/**
 * One destination of {@code BACKUP_TARGET}: its provider and the settings that provider
 * alone receives.
 *
 * @param id the provider's id, aliases resolved
 * @param provider the provider
 * @param settings the provider's own settings (see {@link org.pgbackup.spi.StorageContext#settings()})
 *
 * <p>Immutable, and so safe to share between threads.
 */
public record StorageTarget(String id, StorageProvider provider, Map<String, String> settings) {
    public StorageTarget {
        requireNonNull(id, "id is null");
        requireNonNull(provider, "provider is null");
        settings = Map.copyOf(settings);
    }

    /**
     * The name of a destination's instance of its provider, such as {@code offsite} in
     * {@code s3:offsite}; empty for the provider's own, unnamed instance.
     */
    public Optional<String> instanceName() {
        int colon = id.indexOf(':');
        return colon < 0 ? Optional.empty() : Optional.of(id.substring(colon + 1));
    }

    /**
     * The variable that gives this destination one of its provider's settings:
     * {@code S3_BUCKET} for {@code s3}, {@code S3_OFFSITE_BUCKET} for {@code s3:offsite}.
     */
    public String variable(String setting) {
        String prefix = provider.settingsPrefix();
        return instanceName().filter(n -> setting.startsWith(prefix))
                .map(n -> prefix + StorageProvider.settingsPrefix(n) + setting.substring(prefix.length()))
                .orElse(setting);
    }

    /**
     * A message of the provider's, with its variable names as this destination's: for
     * {@code s3:offsite}, {@code S3_BUCKET} reads {@code S3_OFFSITE_BUCKET}.
     */
    public String inVariables(String message) {
        if (instanceName().isEmpty() || message == null) {
            return message;
        }
        String prefix = provider.settingsPrefix();
        return Pattern.compile("\\b" + Pattern.quote(prefix) + "(?=[A-Z0-9])").matcher(message)
                .replaceAll(Matcher.quoteReplacement(variable(prefix)));
    }

    @Override
    public String toString() {
        // Settings may hold secrets.
        return "StorageTarget[id=" + id + ", settings=" + settings.keySet() + "]";
    }
}
