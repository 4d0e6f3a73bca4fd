package org.pgbackup.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A manual dump applies the same retention as scheduled ones; a failed dump deletes nothing. */
class RetentionIT {
    @RegisterExtension
    static ClusterExtension app = new ClusterExtension("app", "gina", "gina-pw", "app", 200);
    static ControllerProcess controller = ControllerProcess.fromSystemProperty();

    @TempDir
    Path root;

    private Path seed(String name) throws IOException {
        Path dir = Files.createDirectories(root.resolve("data/app"));
        return Files.writeString(dir.resolve(name), "an old archive");
    }

    @Test
    void manualDumpRemovesExpiredArchivesAndLeavesOthersAlone() throws IOException {
        Path expiredDaily = seed("file_daily_2020-01-01T03:00:00Z.dump");
        Path expiredMonthly = seed("file_monthly_2020-02-01T03:00:00Z.dump");
        Path notAnArchive = seed("notes.txt");

        ControllerProcess.Run dump = controller.run(app.env(root), "dump", "app");

        assertThat(dump.exitCode()).as(dump.toString()).isZero();
        assertThat(dump.stdout()).contains("app: retention removed file_daily_2020-01-01T03:00:00Z.dump,"
                + " file_monthly_2020-02-01T03:00:00Z.dump from local");
        assertThat(expiredDaily).doesNotExist();
        assertThat(expiredMonthly).doesNotExist();
        assertThat(notAnArchive).exists();
        assertThat(dump.stderr()).contains("retention removed file_daily_2020-01-01T03:00:00Z.dump from local: daily"
                + " archive older than 7 days");
    }

    @Test
    void failedDumpDeletesNothingAndTheNewestIsKeptHoweverOld() throws IOException {
        Path newestButOld = seed("file_daily_2020-01-02T03:00:00Z.dump");
        Path older = seed("file_daily_2020-01-01T03:00:00Z.dump");
        Map<String, String> env = app.env(root);
        env.put("APP_POSTGRES_PASSWORD", "wrong");

        ControllerProcess.Run failed = controller.run(env, "dump", "app");

        assertThat(failed.exitCode()).as(failed.toString()).isEqualTo(1);
        assertThat(newestButOld).exists();
        assertThat(older).exists();

        Map<String, String> berlin = app.env(root);
        berlin.put("TZ", "Europe/Berlin");
        ControllerProcess.Run list = controller.run(berlin, "list", "--long", "app");
        assertThat(list.stdout().lines().map(l -> l.replaceAll(" +", " "))).containsExactly(
                "file_daily_2020-01-02T03:00:00Z.dump 14 B 2020-01-02 04:00:00 +01:00 local kept while newest"
                        + " INCOMPLETE in local",
                "file_daily_2020-01-01T03:00:00Z.dump 14 B 2020-01-01 04:00:00 +01:00 local removed after"
                        + " 2020-01-08 04:00:00 +01:00 INCOMPLETE in local");
    }
}
