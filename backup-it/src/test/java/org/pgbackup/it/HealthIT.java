package org.pgbackup.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code health}: fresh or stale by the age in the newest complete archive's name; 0 or 1 only. */
class HealthIT {
    private static final DateTimeFormatter NAME_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'")
            .withZone(ZoneOffset.UTC);

    @RegisterExtension
    ClusterExtension app = new ClusterExtension("app", "olga", "olga-pw", "app", 100);
    static ControllerProcess controller = ControllerProcess.fromSystemProperty();

    @TempDir
    Path root;

    /** Turns the archive just dumped into one taken {@code hoursAgo}, manifest and all. */
    private void ageTheArchive(long hoursAgo) throws IOException {
        ControllerProcess.Run dump = controller.run(app.env(root), "dump", "app");
        assertThat(dump.exitCode()).as(dump.toString()).isZero();
        String archive = dump.stdout().split(" ")[1];
        String older = "file_daily_" + NAME_TIME.format(Instant.now().minus(hoursAgo, ChronoUnit.HOURS)) + ".dump";
        Path dir = root.resolve("data/app");
        for (String suffix : new String[] {"", ".manifest.json", ".roles.sql"}) {
            Files.move(dir.resolve(archive + suffix), dir.resolve(older + suffix));
        }
    }

    private ControllerProcess.Run health(String maxAge) {
        Map<String, String> env = app.env(root);
        env.put("HEALTH_MAX_AGE", maxAge);
        return controller.run(env, "health");
    }

    @Test
    void freshWhenTheNewestCompleteArchiveIsYoungerThanTheLimit() throws IOException {
        ageTheArchive(25);
        ControllerProcess.Run run = health("26h");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.stdout().strip()).startsWith("app: fresh: newest complete archive file_daily_")
                .endsWith(" is 25h old (limit 26h)");
    }

    @Test
    void staleWhenOlderSayingWhichServiceAndSinceWhen() throws IOException {
        ageTheArchive(30);
        ControllerProcess.Run run = health("26h");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.stdout().strip()).startsWith("app: stale since ").contains(" is 30h old (limit 26h)");
    }

    @Test
    void anIncompleteArchiveDoesNotCountAsFresh() throws IOException {
        ageTheArchive(1);
        try (var files = Files.list(root.resolve("data/app"))) {
            Files.delete(files.filter(p -> p.toString().endsWith(".manifest.json")).findFirst().orElseThrow());
        }
        ControllerProcess.Run run = health("90m");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.stdout()).contains("app: stale: no complete archive (limit 90m)");
    }

    @Test
    void outsideProductionWithoutALimitItChecksThatEachServerAnswers() {
        ControllerProcess.Run up = controller.run(app.env(root), "health");
        assertThat(up.exitCode()).as(up.toString()).isZero();
        assertThat(up.stdout()).contains("app: server at 127.0.0.1:").contains("answers");

        app.cluster().stop();
        ControllerProcess.Run down = controller.run(app.env(root), "health");
        assertThat(down.exitCode()).as(down.toString()).isEqualTo(1);
        assertThat(down.stdout()).contains("app: Cannot connect to service 'app'");
    }
}
