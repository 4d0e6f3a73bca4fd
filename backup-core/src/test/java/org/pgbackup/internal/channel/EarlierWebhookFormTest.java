package org.pgbackup.internal.channel;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.pgbackup.error.DumpFailedException;
import org.pgbackup.naming.BackupKind;
import org.pgbackup.notify.Notifications;

/** Embedders of earlier releases built {@link Notifications} from a webhook URL: it still posts the same event. */
class EarlierWebhookFormTest {
    @Test
    @SuppressWarnings("deprecation")
    void theWebhookConstructorPostsTheFailureEvent() throws IOException {
        Clock clock = Clock.fixed(Instant.parse("2026-12-05T03:00:00Z"), ZoneOffset.UTC);
        try (Receiver hook = new Receiver();
                Notifications notifications = new Notifications(Optional.of(URI.create("http://" + hook.hostAndPort()
                        + "/hook")), false, Optional.empty(), Map.of(), clock)) {
            notifications.serviceFailed("app", BackupKind.DAILY, Duration.ofMillis(1500),
                    new DumpFailedException("pg_dump exited with status 1"));
            notifications.close();
            assertThat(hook.requests).singleElement().satisfies(request -> {
                assertThat(request.method()).isEqualTo("POST");
                assertThat(request.pathAndQuery()).isEqualTo("/hook");
                assertThat(request.body()).isEqualTo("{\"event\":\"backup.failed\",\"service\":\"app\",\"kind\":\"daily\","
                        + "\"durationMillis\":1500,\"error\":\"pg_dump exited with status 1\","
                        + "\"time\":\"2026-12-05T03:00:00Z\"}");
            });
        }
    }
}
