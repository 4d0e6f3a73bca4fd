package org.pgbackup.notify;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.pgbackup.config.Configuration;
import org.pgbackup.controller.DrillResult;
import org.pgbackup.controller.DumpResult;
import org.pgbackup.controller.RunListener;
import org.pgbackup.error.BackupException;
import org.pgbackup.pitr.BaseBackupResult;
import org.pgbackup.internal.channel.WebhookChannels;
import org.pgbackup.naming.BackupKind;
import org.pgbackup.spi.channel.Channel;
import org.pgbackup.spi.channel.ChannelUrl;
import org.pgbackup.spi.channel.Notice;
import org.tinylog.Logger;

/**
 * Tells the outside world about scheduled runs: each {@link NotificationChannel} of
 * {@code NOTIFY_URLS} (and {@code NOTIFY_WEBHOOK_URL}) hears of the events it asked for, and
 * healthchecks.io-style pings go to {@code HEALTHCHECK_PING_URL}: {@code /start} when a run
 * begins, the URL itself when every service succeeded, {@code /fail} otherwise. A service with
 * a ping URL of its own ({@code <PREFIX>_HEALTHCHECK_PING_URL}) gets the same three for its own
 * dump, and {@code /fail} when its point-in-time recovery meets a failed base backup or a WAL
 * streaming failure.
 *
 * <p>Notices are delivered on a thread of this object's own, in order, so that a slow mail
 * server never holds a dump up; a notification that fails is logged and counted, and never
 * fails a backup. {@link #close()} waits a little for what is queued, then stops the thread.
 */
public final class Notifications implements RunListener, AutoCloseable {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Duration DRAIN = Duration.ofSeconds(30);

    /** Hears whether each notice reached its channel, for metrics. */
    public interface Outcomes {
        /**
         * @param channel the channel's id, such as {@code slack}
         * @param delivered whether the channel took the notice
         */
        void notified(String channel, boolean delivered);
    }

    private record Opened(NotificationChannel config, Channel channel) {
    }

    private final List<Opened> channels = new ArrayList<>();
    private final Optional<URI> ping;
    private final Map<String, URI> servicePings;
    private final Notices notices;
    private final Outcomes outcomes;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final ExecutorService sender = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "notifications");
        thread.setDaemon(true);
        return thread;
    });

    /**
     * Opens every channel.
     *
     * @param channels where notices go, each with the events it wants
     * @param ping the run-wide healthchecks.io-style ping URL
     * @param servicePings each service's own ping URL, for those that have one
     * @param outcomes told of each delivery, for metrics
     */
    public Notifications(List<NotificationChannel> channels, Optional<URI> ping, Map<String, URI> servicePings,
            Clock clock, Outcomes outcomes) {
        this.ping = ping;
        this.servicePings = Map.copyOf(servicePings);
        this.notices = new Notices(clock);
        this.outcomes = outcomes;
        for (NotificationChannel channel : channels) {
            this.channels.add(new Opened(channel, channel.open()));
        }
    }

    /**
     * The form of earlier releases: one webhook, as a {@code generic+} channel.
     *
     * @param webhook where to POST events
     * @param onSuccess whether successes are posted too ({@code NOTIFY_ON=all})
     * @param ping the run-wide healthchecks.io-style ping URL
     * @param servicePings each service's own ping URL, for those that have one
     * @deprecated give {@link Configuration#notificationChannels()} to
     *     {@link #Notifications(List, Optional, Map, Clock, Outcomes)}
     */
    @Deprecated(since = "0.2")
    public Notifications(Optional<URI> webhook, boolean onSuccess, Optional<URI> ping, Map<String, URI> servicePings,
            Clock clock) {
        this(webhook.map(url -> new NotificationChannel(new WebhookChannels(), ChannelUrl.parse("generic+" + url),
                onSuccess ? EnumSet.allOf(NoticeEvent.class) : NoticeEvent.failures())).stream().toList(), ping,
                servicePings, clock, (channel, delivered) -> { });
    }

    /**
     * The form of earlier releases, without per-service pings.
     *
     * @deprecated see {@link #Notifications(Optional, boolean, Optional, Map, Clock)}
     */
    @Deprecated(since = "0.2")
    public Notifications(Optional<URI> webhook, boolean onSuccess, Optional<URI> ping, Clock clock) {
        this(webhook, onSuccess, ping, Map.of(), clock);
    }

    @Override
    public void serviceStarted(String service) {
        servicePing(service, "/start");
    }

    /** Pings a service's own URL, with a suffix or none. */
    private void servicePing(String service, String suffix) {
        Optional.ofNullable(servicePings.get(service)).ifPresent(url -> get(suffix.isEmpty() ? url
                : withSuffix(url, suffix)));
    }

    @Override
    public void runStarted() {
        ping.ifPresent(url -> get(withSuffix(url, "/start")));
    }

    @Override
    public void runFinished(boolean allSucceeded) {
        ping.ifPresent(url -> get(allSucceeded ? url : withSuffix(url, "/fail")));
    }

    @Override
    public void serviceSucceeded(DumpResult result, Map<String, Integer> archives) {
        servicePing(result.service(), result.complete() ? "" : "/fail");
        tell(notices.backup(result));
    }

    @Override
    public void serviceFailed(String service, BackupKind kind, Duration duration, BackupException failure) {
        servicePing(service, "/fail");
        tell(notices.backupFailed(service, kind, duration, failure));
    }

    @Override
    public void serviceSkipped(String service, BackupKind kind, BackupException reason) {
        tell(notices.backupSkipped(service, kind, reason));
    }

    @Override
    public void drillSucceeded(DrillResult result) {
        tell(notices.drill(result));
    }

    @Override
    public void drillFailed(String service, BackupException failure) {
        tell(notices.drillFailed(service, failure));
    }

    @Override
    public void baseBackupSucceeded(BaseBackupResult result) {
        tell(notices.baseBackup(result));
    }

    @Override
    public void baseBackupFailed(String service, BackupException failure) {
        tell(notices.baseBackupFailed(service, failure));
        servicePing(service, "/fail");
    }

    @Override
    public void walFailed(String service, String problem) {
        tell(notices.walFailed(service, problem));
        servicePing(service, "/fail");
    }

    private void tell(Notice notice) {
        NoticeEvent event = Notices.event(notice);
        for (Opened opened : channels) {
            if (!opened.config().wants(event)) {
                continue;
            }
            try {
                sender.execute(() -> deliver(opened, notice));
            } catch (RejectedExecutionException e) {
                Logger.warn("Not notifying {} of {} for '{}': the controller is stopping", opened.config(),
                        notice.event(), notice.service());
            }
        }
    }

    private void deliver(Opened opened, Notice notice) {
        try {
            opened.channel().send(notice);
            outcomes.notified(opened.config().id(), true);
        } catch (IOException | RuntimeException e) {
            Logger.warn("Notifying {} of {} for '{}' failed: {}", opened.config(), notice.event(), notice.service(),
                    e.getMessage());
            outcomes.notified(opened.config().id(), false);
        }
    }

    private void get(URI url) {
        try {
            HttpResponse<Void> response = http.send(HttpRequest.newBuilder(url).timeout(TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() >= 300) {
                Logger.warn("Notifying the health-check ping failed: it answered {}", response.statusCode());
            }
        } catch (IOException e) {
            Logger.warn("Notifying the health-check ping failed: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            Logger.warn("Notifying the health-check ping was interrupted");
        }
    }

    private static URI withSuffix(URI url, String suffix) {
        String text = url.toString();
        return URI.create((text.endsWith("/") ? text.substring(0, text.length() - 1) : text) + suffix);
    }

    /** Delivers what is queued (for up to 30 seconds), then closes every channel. */
    @Override
    public void close() {
        sender.shutdown();
        try {
            if (!sender.awaitTermination(DRAIN.toSeconds(), TimeUnit.SECONDS)) {
                Logger.warn("Dropping notifications still queued after {}s", DRAIN.toSeconds());
                sender.shutdownNow();
            }
        } catch (InterruptedException e) {
            sender.shutdownNow();
            Thread.currentThread().interrupt();
        }
        for (Opened opened : channels) {
            try {
                opened.channel().close();
            } catch (RuntimeException e) {
                Logger.warn("Closing {} failed: {}", opened.config(), e.toString());
            }
        }
    }
}
