package org.pgbackup.spi.channel;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * What happened, worded once by the controller for people and once for machines, so that
 * every channel says the same thing.
 *
 * @param event what happened: {@code backup.failed}, {@code backup.incomplete},
 *     {@code backup.succeeded}, {@code drill.failed} or {@code drill.succeeded}; more may come
 * @param service the service it happened to
 * @param time when it happened
 * @param failure whether someone should act, for a channel's colour or priority
 * @param title one short line, such as {@code Backup of 'orders' failed}
 * @param text a few short lines: what happened, the error line, where to look
 * @param json the same facts as a JSON object, as the generic webhook posts them
 */
public record Notice(String event, String service, Instant time, boolean failure, String title, String text,
        String json) {
    /** Checks that nothing is null. */
    public Notice {
        requireNonNull(event, "event is null");
        requireNonNull(service, "service is null");
        requireNonNull(time, "time is null");
        requireNonNull(title, "title is null");
        requireNonNull(text, "text is null");
        requireNonNull(json, "json is null");
    }
}
