package org.pgbackup.it.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.GenericContainer;

/**
 * Two controller containers on the suite's network, each with its own volumes, backing up the
 * same two databases (one controller calls them {@code alpha} and {@code beta}, the other
 * {@code first} and {@code second}) into one bucket, every 15 seconds: each slot of each
 * database gets one archive in the bucket, never two, the controller that lost a slot logs it
 * as skipped with the holder named, and once one controller is stopped the other takes every
 * slot.
 */
@ExtendWith(ContainerEngine.class)
class ContainerFleetIT {
    private static final Pattern ARCHIVE = Pattern.compile("file_\\w+_(\\S+Z)\\.dump\\.zst$");
    private static final long SLOT_SECONDS = 15;

    @RegisterExtension
    static final Lab lab = new Lab();

    private static Map<String, String> controllerEnv(Pg one, Pg two, String oneName, String twoName) {
        Map<String, String> env = ContainerS3IT.scheduledToLocalAndS3("*/15 * * * * *", "fleet");
        env.put("DATABASE_LIST", oneName + "," + twoName);
        env.put("LOCK_WAIT_SECONDS", "5");
        env.putAll(one.env(oneName));
        env.putAll(two.env(twoName));
        return env;
    }

    private static Map<String, String> mounts(Path certs, String... services) {
        Map<String, String> mounts = new TreeMap<>(Map.of(certs.toString(), "/certs"));
        for (String service : services) {
            mounts.put(lab.volume("fleet-" + service), "/var/lib/postgresql/backup/data/" + service);
        }
        return mounts;
    }

    /** The 15-second slots of the archives in the bucket under the given service names, one entry per archive. */
    private static List<Long> slots(GenericContainer<?> s3, String... services) throws Exception {
        List<Long> slots = new ArrayList<>();
        for (String service : services) {
            var listing = s3.execInContainer("ls", "/data/backups/fleet/" + service);
            for (String name : listing.getStdout().split("\\s+")) {
                Matcher archive = ARCHIVE.matcher(name);
                if (archive.find()) {
                    slots.add(Instant.parse(archive.group(1)).getEpochSecond() / SLOT_SECONDS);
                }
            }
        }
        return slots;
    }

    /** Each controller's run lines, shortened: what a failure needs to tell which controller stored which slot. */
    private static String runs(Controller... controllers) {
        StringBuilder runs = new StringBuilder();
        for (Controller controller : controllers) {
            controller.logs().lines().filter(l -> l.contains(": run ")).map(l -> controller.name() + " "
                    + l.substring(0, Math.min(l.length(), 240))).forEach(l -> runs.append(l).append('\n'));
        }
        return runs.toString();
    }

    private static long runLines(Controller controller, String service, String result) {
        return controller.logs().lines().filter(l -> l.contains(service + ": run ") && l.contains("result=" + result))
                .count();
    }

    private static void await(String what, java.util.function.BooleanSupplier done, Controller... controllers)
            throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(240);
        while (!done.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                StringBuilder logs = new StringBuilder();
                for (Controller c : controllers) {
                    logs.append(c.logs());
                }
                throw new AssertionError("no " + what + " within 240 s:\n" + logs);
            }
            Thread.sleep(500);
        }
    }

    @Test
    void twoControllersOnOneBucketStoreOneArchivePerSlotAndTheOtherTakesOverWhenOneStops(@TempDir Path dir)
            throws Exception {
        Path certs = ContainerS3IT.certificates(dir);
        GenericContainer<?> s3 = ContainerS3IT.s3Server(lab, certs);
        try {
            Pg one = lab.postgres("one-db", "app", "app-secret", "app", null);
            one.fill(20000);
            Pg two = lab.postgres("two-db", "app", "app-secret", "app", null);
            two.fill(20000);
            try (Controller a = lab.controller("fleet-a", controllerEnv(one, two, "alpha", "beta"),
                    mounts(certs, "alpha", "beta"), c -> { });
                    Controller b = lab.controller("fleet-b", controllerEnv(one, two, "first", "second"),
                            mounts(certs, "first", "second"), c -> { })) {
                await("four slots of each database", () -> {
                    long done = runLines(a, "alpha", "ok") + runLines(b, "first", "ok");
                    long other = runLines(a, "beta", "ok") + runLines(b, "second", "ok");
                    return done >= 4 && other >= 4;
                }, a, b);

                for (String[] names : List.of(new String[] {"alpha", "first"}, new String[] {"beta", "second"})) {
                    List<Long> slots = slots(s3, names);
                    assertThat(slots).as("the archives of %s/%s by slot, after these runs:%n%s", names[0], names[1],
                            runs(a, b))
                            .hasSizeGreaterThanOrEqualTo(4).doesNotHaveDuplicates();
                }
                // A slot a controller lost is skipped with the holder named (a controller's first slot may fail
                // while the engine's DNS learns its name; that is not what this test is about).
                String logs = a.logs() + b.logs();
                assertThat(logs).contains("result=skipped: Database 'app' at ")
                        .contains("was taken for this slot (")
                        .contains(") by another controller: 'pg-backup-controller' from ");

                Steps.say("docker stop fleet-a");
                lab.client().stopContainerCmd(a.container().getContainerId()).exec();
                long first = runLines(b, "first", "ok");
                long second = runLines(b, "second", "ok");
                await("the next slot of both databases by the controller that is left",
                        () -> runLines(b, "first", "ok") > first && runLines(b, "second", "ok") > second, b);
            }
        } finally {
            Steps.say("docker rm -f s3");
            s3.stop();
        }
    }

    @Test
    void aControllerKilledWhileHoldingTheAdvisoryLockLosesItAndTheOtherDumpsTheNextSlot() throws Exception {
        Pg pg = lab.postgres("kill-db", "app", "app-secret", "app", null);
        pg.fill(2000);
        Map<String, String> env = new TreeMap<>(Map.of("MODE", "production", "BACKUP_SCHEDULE", "*/15 * * * * *",
                "LOCK_WAIT_SECONDS", "2"));
        Map<String, String> holderEnv = new TreeMap<>(env);
        holderEnv.put("DATABASE_LIST", "holder");
        holderEnv.putAll(pg.env("holder"));
        Map<String, String> otherEnv = new TreeMap<>(env);
        otherEnv.put("DATABASE_LIST", "other");
        otherEnv.putAll(pg.env("other"));
        // The backup lock's namespace ("PGBK"), not the slot claims' ("PGBS"), which a scheduled controller keeps.
        String advisoryHolders = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
                + " AND classid::bigint = " + 0x5047424BL;

        // The holder's pg_dump waits on a table lock, so its controller holds the advisory lock for as long as it lives.
        Blocker blocker = Blocker.hold(pg, "BEGIN; LOCK TABLE items IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(600)");
        try (Controller holder = lab.controller("holder", holderEnv,
                Map.of(lab.volume("kill-holder"), "/var/lib/postgresql/backup/data/holder"), c -> { })) {
            blocker.awaitWaitingDump();
            assertThat(pg.sql(advisoryHolders)).isEqualTo("1");
            // Started only now, so that the holder is the one holding the lock when the other's first slot comes.
            try (Controller other = lab.controller("other", otherEnv,
                    Map.of(lab.volume("kill-other"), "/var/lib/postgresql/backup/data/other"), c -> { })) {
                killHolderAndWatchTheOther(pg, blocker, holder, other, advisoryHolders);
            }
        } finally {
            blocker.release();
        }
    }

    private static void killHolderAndWatchTheOther(Pg pg, Blocker blocker, Controller holder, Controller other,
            String advisoryHolders) throws InterruptedException {
        await("a slot skipped by the other controller", () -> runLines(other, "other", "skipped") >= 1, holder,
                other);
        assertThat(other.logs()).contains("result=skipped: Database 'app' at kill-db")
                .contains("is being backed up or restored by another controller: 'pg-backup-controller' from ");
        assertThat(other.archives("other")).isEmpty();

        String id = holder.container().getContainerId();
        Steps.say("docker kill --signal KILL " + id);
        lab.client().killContainerCmd(id).withSignal("KILL").exec();
        // The server ends the killed controller's idle lock session as soon as its socket closes.
        await("the server to release the killed controller's advisory lock",
                () -> pg.sql(advisoryHolders).equals("0"), other);
        blocker.release();

        await("the other controller's next slot", () -> runLines(other, "other", "ok") >= 1, other);
        List<String> archives = other.archives("other");
        assertThat(archives).hasSize(1);
        Controller.Run verify = other.run("verify", "other");
        assertThat(verify.exitCode()).as(verify.toString()).isZero();
    }
}
