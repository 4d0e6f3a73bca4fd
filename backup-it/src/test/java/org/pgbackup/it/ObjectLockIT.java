package org.pgbackup.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.pgbackup.storage.s3.S3MockServer;

/**
 * {@code S3_OBJECT_LOCK} end to end, on a named destination ({@code s3:vault}) of a real S3
 * server that implements the Object Lock API (S3Mock): a bucket without Object Lock is
 * refused before anything is dumped; each object of a dump is locked until the destination's
 * own retention would delete it plus the grace, as the server reports it; retention waits for
 * a lock instead of deleting early, with a line saying until when; and a failed dump moves the
 * lock of the newest archive on. S3Mock does not refuse deletes of locked objects itself (it
 * keeps no versions): what is tested is that the controller never asks for one early.
 */
class ObjectLockIT {
    private static final Duration GRACE = Duration.ofHours(2);
    private static final Map<String, Duration> VAULT_DAYS = Map.of("daily", Duration.ofDays(2), "weekly",
            Duration.ofDays(3), "monthly", Duration.ofDays(4));
    private static final Pattern NAME = Pattern.compile("file_(daily|weekly|monthly)_(\\S+?Z)\\.dump\\.zst");

    @RegisterExtension
    ClusterExtension app = new ClusterExtension("app", "pete", "pete-pw", "app", 100);
    static S3MockServer s3;
    final ControllerProcess controller = ControllerProcess.fromSystemProperty();

    @TempDir
    Path root;

    @BeforeAll
    static void startS3() throws Exception {
        s3 = S3MockServer.start().bucket("vault", true).bucket("plain", false);
    }

    @AfterAll
    static void stopS3() {
        s3.close();
    }

    /** {@code app} to {@code s3:vault} alone, locked in governance mode, with its own retention. */
    private Map<String, String> env(String bucket, String prefix) {
        Map<String, String> env = app.env(root);
        env.put("BACKUP_TARGET", "s3:vault");
        s3.environment(bucket, prefix).forEach((name, value) -> env.put("S3_VAULT_" + name.substring(3), value));
        env.put("S3_VAULT_OBJECT_LOCK", "governance");
        env.put("S3_VAULT_OBJECT_LOCK_GRACE", "2h");
        env.put("RETENTION_DAILY_DAYS", "30");
        env.put("VAULT_RETENTION_DAILY_DAYS", "2");
        env.put("VAULT_RETENTION_WEEKLY_DAYS", "3");
        env.put("VAULT_RETENTION_MONTHLY_DAYS", "4");
        return env;
    }

    /** When the destination's retention deletes an archive, plus the grace: computed from its name alone. */
    private static Instant expectedLock(String fileName) {
        Matcher name = NAME.matcher(fileName);
        assertThat(name.find()).as(fileName).isTrue();
        return Instant.parse(name.group(2)).plus(VAULT_DAYS.get(name.group(1))).plus(GRACE);
    }

    private static String daily(Instant at) {
        return "file_daily_" + at.truncatedTo(ChronoUnit.SECONDS) + ".dump.zst";
    }

    @Test
    void aBucketWithoutObjectLockIsRefusedBeforeAnythingIsDumped() throws Exception {
        Map<String, String> env = env("plain", "backups");
        for (String command : List.of("dump", "start")) {
            ControllerProcess.Run run = command.equals("dump") ? controller.run(env, "dump", "app")
                    : controller.run(env, "start");
            assertThat(run.exitCode()).as(run.output()).isEqualTo(2);
            assertThat(run.errorLines()).containsExactly("error: Destination s3:vault: S3_VAULT_OBJECT_LOCK=governance"
                    + " needs a bucket with Object Lock enabled, and s3://plain/backups at " + s3.endpoint()
                    + " has none (the server answered InvalidRequest: Bucket is missing Object Lock Configuration):"
                    + " create the bucket with Object Lock (aws s3api create-bucket --object-lock-enabled-for-bucket,"
                    + " or put-object-lock-configuration on a versioned bucket), or unset S3_VAULT_OBJECT_LOCK");
        }
        assertThat(s3.keys("plain", "backups/")).isEmpty();
    }

    @Test
    void eachObjectIsLockedUntilItsRetentionEndsAndRetentionWaitsForLocks() throws Exception {
        Instant now = Instant.now();
        String held = daily(now.minus(Duration.ofDays(10)));
        String free = daily(now.minus(Duration.ofDays(9)));
        for (String name : List.of(held, held + ".manifest.json", free, free + ".manifest.json")) {
            s3.put("vault", "run/app/" + name, "seeded".getBytes(StandardCharsets.UTF_8));
        }
        Instant heldUntil = now.plus(Duration.ofDays(5)).truncatedTo(ChronoUnit.SECONDS);
        s3.retain("vault", "run/app/" + held, heldUntil);
        s3.retain("vault", "run/app/" + held + ".manifest.json", heldUntil);

        ControllerProcess.Run run = controller.run(env("vault", "run"), "dump", "app");

        assertThat(run.exitCode()).as(run.output()).isZero();
        List<String> keys = s3.keys("vault", "run/app/");
        List<String> fresh = keys.stream().filter(k -> !k.contains(held) && !k.contains(free)).toList();
        String archive = fresh.stream().filter(k -> k.endsWith(".dump.zst")).findFirst().orElseThrow();
        assertThat(fresh).contains(archive, archive + ".manifest.json");
        Instant expected = expectedLock(archive);
        for (String key : fresh) {
            assertThat(s3.retainUntil("vault", key)).as(key).contains(expected);
        }
        assertThat(keys).as("an archive still locked stays, whatever retention says")
                .contains("run/app/" + held, "run/app/" + held + ".manifest.json")
                .doesNotContain("run/app/" + free, "run/app/" + free + ".manifest.json");
        assertThat(run.stderr()).contains("app: retention waits to remove " + held + " from s3:vault: its Object"
                + " Lock holds it until " + heldUntil);
    }

    @Test
    void aFailedDumpMovesTheLockOfTheNewestArchiveOn() throws Exception {
        Instant now = Instant.now();
        String newest = daily(now.minus(Duration.ofDays(1)));
        for (String name : List.of(newest, newest + ".manifest.json")) {
            s3.put("vault", "failing/app/" + name, "seeded".getBytes(StandardCharsets.UTF_8));
            s3.retain("vault", "failing/app/" + name, now.plus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS));
        }
        Map<String, String> env = env("vault", "failing");
        try (ServerSocket closed = new ServerSocket(0)) {
            env.put("APP_POSTGRES_PORT", Integer.toString(closed.getLocalPort()));
        }
        Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        ControllerProcess.Run run = controller.run(env, "dump", "app");
        Instant after = Instant.now();

        assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
        Duration moved = VAULT_DAYS.get("daily").plus(GRACE);
        for (String name : List.of(newest, newest + ".manifest.json")) {
            assertThat(s3.retainUntil("vault", "failing/app/" + name)).as(name).hasValueSatisfying(until ->
                    assertThat(until).isBetween(before.plus(moved), after.plus(moved)));
        }
        assertThat(run.stderr()).contains("app: moved the lock of " + newest + " in s3:vault on to ");
    }
}
