package org.pgbackup.it.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pgbackup.PgBackup;
import org.pgbackup.config.ConfigurationBuilder;
import org.pgbackup.controller.BackupController;
import org.pgbackup.controller.DumpOptions;
import org.pgbackup.controller.DumpResult;
import org.pgbackup.controller.ProgressListener;
import org.pgbackup.controller.ProgressListener.Phase;
import org.pgbackup.controller.RestoreOptions;
import org.pgbackup.controller.RunRecord;
import org.pgbackup.controller.ServiceHealth;
import org.pgbackup.controller.SyncResult;
import org.pgbackup.error.ArchiveCorruptException;
import org.pgbackup.error.BackupException;
import org.pgbackup.error.ErrorCode;
import org.pgbackup.error.ServiceBusyException;
import org.pgbackup.it.Sha256Sum;
import org.pgbackup.naming.BackupName;
import org.pgbackup.spi.PendingObject;
import org.pgbackup.storage.testkit.InMemoryStorage;
import org.pgbackup.storage.testkit.InMemoryStorageProvider;

/**
 * The operations' branches that are dear to reach with a real server: a destination that
 * fails after another committed, a lock held too long, a cancel between phases, a corrupt
 * archive. They run on in-memory storages and {@link FakeTools}, without PostgreSQL.
 */
class OperationsTest {
    private static final Duration BOUND = Duration.ofSeconds(30);

    @TempDir
    Path root;
    private Path bin;
    private final InMemoryStorageProvider memory = new InMemoryStorageProvider();
    private final InMemoryStorageProvider broken = new InMemoryStorageProvider("broken", new InMemoryStorage());

    @BeforeEach
    void tools() throws IOException {
        bin = FakeTools.install(root);
    }

    private ConfigurationBuilder client(String... targets) {
        // No server to take a lock on: the programs are fakes.
        ConfigurationBuilder builder = PgBackup.configure().backupRoot(root.resolve("backup")).pgBinDir(bin)
                .serverLock(false)
                .service("users", s -> s.host("db.invalid").password("pw".toCharArray()))
                .storageProviders(List.of(memory, broken));
        for (String target : targets) {
            builder.storage(target);
        }
        return builder;
    }

    private List<String> stored() throws IOException {
        return memory.storage().list("users").stream().map(o -> o.name()).toList();
    }

    @Test
    void aDestinationFailingAfterAnotherCommittedLeavesTheArchiveWhereItLandedAndSaysSo() throws IOException {
        broken.storage().failCommits("bucket is read-only");
        try (BackupController client = client("memory", "broken").load()) {
            DumpResult result = client.dump("users");

            assertThat(result.complete()).isFalse();
            assertThat(result.storedIn()).containsExactly("memory");
            assertThat(result.failedDestinations()).containsOnlyKeys("broken");
            assertThat(result.failedDestinations().get("broken")).contains("bucket is read-only");
            assertThat(result.sha256()).as("the digest of the bytes the destination holds")
                    .isEqualTo(Sha256Sum.of(memory.storage().bytes("users", result.name().fileName()).orElseThrow()));
            assertThat(stored()).containsExactly(result.name().fileName(), result.name().fileName()
                    + ".manifest.json", result.name().fileName() + ".roles.sql");
            assertThat(broken.storage().list("users")).isEmpty();
            assertThat(client.list("users").archives()).singleElement()
                    .satisfies(a -> assertThat(a.locations()).containsExactly("memory"));
        }
    }

    @Test
    void aDumpReportsItsPhasesInOrderAndEveryByteItStored() {
        List<Phase> phases = new CopyOnWriteArrayList<>();
        AtomicLong bytes = new AtomicLong();
        ProgressListener listener = new ProgressListener() {
            @Override
            public void phase(String service, Phase phase) {
                phases.add(phase);
            }

            @Override
            public void transferred(String service, long total) {
                assertThat(total).isGreaterThanOrEqualTo(bytes.get());
                bytes.set(total);
            }
        };
        try (BackupController client = client("memory").verifyAfterDump(true).load()) {
            DumpResult result = client.dump("users", DumpOptions.defaults().progress(listener));

            assertThat(phases).containsExactly(Phase.WAITING_FOR_LOCK, Phase.CONNECTING, Phase.DUMPING,
                    Phase.VERIFYING, Phase.APPLYING_RETENTION, Phase.FINISHED);
            byte[] stored = memory.storage().bytes("users", result.name().fileName()).orElseThrow();
            assertThat(bytes.get()).isEqualTo(result.size()).isEqualTo(stored.length);
            assertThat(result.sha256()).isEqualTo(Sha256Sum.of(stored));
        }
    }

    @Test
    void anOperationThatCannotGetTheLockInTimeFailsWithItsCodeAndTouchesNothing() throws Exception {
        CountDownLatch dumping = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ProgressListener holdInDumping = new ProgressListener() {
            @Override
            public void phase(String service, Phase phase) {
                if (phase == Phase.CONNECTING) {
                    dumping.countDown();
                    try {
                        release.await(BOUND.toSeconds(), TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        };
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try (BackupController first = client("memory").load();
                BackupController second = client("memory").lockWait(Duration.ZERO).load()) {
            Future<DumpResult> held = thread.submit(() -> first.dump("users",
                    DumpOptions.defaults().progress(holdInDumping)));
            assertThat(dumping.await(BOUND.toSeconds(), TimeUnit.SECONDS)).isTrue();

            assertThatThrownBy(() -> second.dump("users")).isInstanceOfSatisfying(ServiceBusyException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.SERVICE_BUSY));
            assertThat(stored()).isEmpty();

            release.countDown();
            assertThat(held.get(BOUND.toSeconds(), TimeUnit.SECONDS).complete()).isTrue();
            assertThat(second.dump("users").complete()).as("once the lock is free").isTrue();
        } finally {
            release.countDown();
            thread.shutdownNow();
        }
    }

    @Test
    void aCorruptArchiveIsRefusedBeforePgRestoreEverRuns() throws IOException {
        try (BackupController client = client("memory").load()) {
            String archive = client.dump("users").name().fileName();
            byte[] bytes = memory.storage().bytes("users", archive).orElseThrow();
            bytes[bytes.length / 2] ^= 1;
            try (PendingObject object = memory.storage().create("users", archive)) {
                object.output().write(bytes);
                object.commit();
            }

            assertThatThrownBy(() -> client.restore("users", archive, RestoreOptions.defaults()))
                    .isInstanceOfSatisfying(ArchiveCorruptException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.ARCHIVE_CORRUPT))
                    .hasMessageContaining("nothing was restored");
            assertThat(FakeTools.restores(bin)).isEmpty();
        }
    }

    @Test
    void aRestoreReturnsWhatItRestoredFromWhere() throws IOException {
        try (BackupController client = client("memory").load()) {
            DumpResult dump = client.dump("users");
            var restored = client.restore("users", dump.name().fileName(), RestoreOptions.defaults().withoutOwners());

            assertThat(restored.archive()).isEqualTo(dump.name().fileName());
            assertThat(restored.source()).isEqualTo("memory");
            byte[] stored = memory.storage().bytes("users", dump.name().fileName()).orElseThrow();
            assertThat(dump.sha256()).isEqualTo(Sha256Sum.of(stored));
            assertThat(restored.verifiedSha256()).contains(Sha256Sum.of(stored));
            assertThat(restored.size()).isEqualTo(dump.size()).isEqualTo(stored.length);
            assertThat(restored.jobs()).isOne();
            assertThat(FakeTools.restores(bin)).singleElement().asString().contains("--single-transaction")
                    .contains("--no-owner").contains("--host=db.invalid");
        }
    }

    /** What a destination holds of an archive, as {@code sha256sum} reads it. */
    private static String sha256(InMemoryStorage storage, String name) {
        return Sha256Sum.of(storage.bytes("users", name).orElseThrow());
    }

    @Test
    void aDumpThatEveryDestinationStoresCatchesUpWhatAnEarlierDumpLeftMissing() throws IOException {
        broken.storage().failAll("bucket unreachable");
        try (BackupController client = client("memory", "broken").load()) {
            DumpResult first = client.dump("users");
            assertThat(first.complete()).isFalse();
            broken.storage().failAll(null);
            assertThat(client.missingArchives("users")).containsExactlyInAnyOrderEntriesOf(Map.of("memory", 0,
                    "broken", 1));

            DumpResult second = client.dump("users");

            assertThat(second.complete()).isTrue();
            for (String name : List.of(first.name().fileName(), second.name().fileName())) {
                assertThat(sha256(broken.storage(), name)).as(name).isEqualTo(sha256(memory.storage(), name));
                assertThat(broken.storage().bytes("users", name + ".manifest.json")).isPresent();
                assertThat(broken.storage().bytes("users", name + ".roles.sql")).isPresent();
            }
            assertThat(client.missingArchives("users")).containsExactlyInAnyOrderEntriesOf(Map.of("memory", 0,
                    "broken", 0));
            SyncResult again = client.sync("users", false);
            assertThat(again.copies()).isEmpty();
            assertThat(again.ok()).isTrue();
        }
    }

    @Test
    void syncRefusesAnArchiveWhoseBytesNoLongerMatchItsManifestAndCopiesTheOthers() throws IOException {
        String changed;
        String kept;
        try (BackupController client = client("memory").load()) {
            changed = client.dump("users").name().fileName();
            kept = client.dump("users").name().fileName();
        }
        byte[] bytes = memory.storage().bytes("users", changed).orElseThrow();
        bytes[bytes.length / 2] ^= (byte) 0xff;
        try (PendingObject object = memory.storage().create("users", changed)) {
            object.output().write(bytes);
            object.commit();
        }
        try (BackupController client = client("memory", "broken").load()) {
            SyncResult planned = client.sync("users", true);
            assertThat(planned.copies()).extracting(SyncResult.Copy::archive).containsExactly(kept, changed);
            assertThat(broken.storage().list("users")).as("a dry run copies nothing").isEmpty();

            SyncResult result = client.sync("users", false);

            assertThat(result.copies()).singleElement().isEqualTo(new SyncResult.Copy(kept, "memory", "broken",
                    memory.storage().bytes("users", kept).orElseThrow().length));
            assertThat(sha256(broken.storage(), kept)).isEqualTo(sha256(memory.storage(), kept));
            assertThat(result.refused()).containsOnlyKeys(changed + " to broken");
            assertThat(result.refused().get(changed + " to broken"))
                    .contains("in memory, its bytes do not match its manifest (sha256 " + Sha256Sum.of(bytes));
            assertThat(broken.storage().bytes("users", changed)).isEmpty();
            assertThat(broken.storage().bytes("users", changed + ".manifest.json")).isEmpty();
        }
    }

    @Test
    void aDestinationThatCannotStoreIsReportedByNameAndGetsTheArchivesOnceItCan() throws IOException {
        List<String> names = new ArrayList<>();
        try (BackupController client = client("memory").load()) {
            names.add(client.dump("users").name().fileName());
            names.add(client.dump("users").name().fileName());
        }
        broken.storage().failCommits("bucket is read-only");
        try (BackupController client = client("memory", "broken").load()) {
            SyncResult failing = client.sync("users", false);

            assertThat(failing.ok()).isFalse();
            assertThat(failing.copies()).isEmpty();
            assertThat(failing.failed()).hasSize(2).allSatisfy((what, why) -> {
                assertThat(what).endsWith(" to broken");
                assertThat(why).contains("in broken, cannot store it").contains("bucket is read-only");
            });
            assertThat(broken.storage().list("users")).isEmpty();

            broken.storage().failCommits(null);
            SyncResult recovered = client.sync("users", false);
            assertThat(recovered.ok()).isTrue();
            assertThat(recovered.copies()).extracting(SyncResult.Copy::archive)
                    .containsExactlyInAnyOrderElementsOf(names);
            for (String name : names) {
                assertThat(sha256(broken.storage(), name)).isEqualTo(sha256(memory.storage(), name));
            }
        }
    }

    @Test
    void healthCallsADestinationThatLagsADayBehindUnhealthyUntilSyncBringsItBack() throws IOException {
        broken.storage().failAll("bucket unreachable");
        try (BackupController client = client("memory", "broken").healthMaxAge(Duration.ofDays(7)).load()) {
            DumpResult newest = client.dump("users");
            broken.storage().failAll(null);
            // An archive two days older, as both destinations would hold it from an earlier run.
            BackupName older = new BackupName(newest.name().kind(), newest.name().createdAt().minus(Duration.ofDays(2)),
                    newest.name().form());
            for (InMemoryStorage storage : List.of(memory.storage(), broken.storage())) {
                for (String suffix : List.of("", ".manifest.json")) {
                    try (PendingObject object = storage.create("users", older.fileName() + suffix)) {
                        object.output().write(memory.storage().bytes("users", newest.name().fileName() + suffix)
                                .orElseThrow());
                        object.commit();
                    }
                }
            }

            ServiceHealth lagging = client.health().get(0);
            assertThat(lagging.healthy()).as(lagging.detail()).isFalse();
            assertThat(lagging.detail()).contains("fresh: ", "destination broken lags 48h behind the newest archive,"
                    + " more than DESTINATION_MAX_LAG 24h: call sync(\"users\")");

            assertThat(client.sync("users", false).copies()).extracting(SyncResult.Copy::archive)
                    .containsExactly(newest.name().fileName());
            ServiceHealth caughtUp = client.health().get(0);
            assertThat(caughtUp.healthy()).as(caughtUp.detail()).isTrue();
            assertThat(caughtUp.detail()).doesNotContain("lags");
        }
    }

    @Test
    void everyDumpIsInTheRunHistoryNewestFirstAndANewClientReadsIt() throws IOException {
        broken.storage().failCommits("bucket is read-only");
        DumpResult incomplete;
        DumpResult complete;
        try (BackupController client = client("memory", "broken").load()) {
            incomplete = client.dump("users");
            broken.storage().failCommits(null);
            complete = client.dump("users");
            memory.storage().failAll("disk gone");
            broken.storage().failAll("bucket gone");
            assertThatThrownBy(() -> client.dump("users")).isInstanceOf(BackupException.class);
            memory.storage().failAll(null);
            broken.storage().failAll(null);
        }
        try (BackupController other = client("memory", "broken").load()) {
            List<RunRecord> runs = other.runs("users");

            assertThat(runs).extracting(RunRecord::outcome).containsExactly(RunRecord.Outcome.FAILED,
                    RunRecord.Outcome.OK, RunRecord.Outcome.INCOMPLETE);
            assertThat(runs.get(0).error()).hasValueSatisfying(e -> assertThat(e).contains("gone"));
            assertThat(runs.get(0).archive()).isEmpty();
            assertThat(runs.get(1).archive()).contains(complete.name().fileName());
            assertThat(runs.get(1).size()).isEqualTo(memory.storage().bytes("users", complete.name().fileName())
                    .orElseThrow().length);
            assertThat(runs.get(1).storedIn()).containsExactly("memory", "broken");
            assertThat(runs.get(2).archive()).contains(incomplete.name().fileName());
            assertThat(runs.get(2).failedIn()).containsOnlyKeys("broken");
            assertThat(runs.get(2).failedIn().get("broken")).contains("bucket is read-only");
            assertThat(runs).extracting(RunRecord::started).isSortedAccordingTo(Comparator.reverseOrder());
        }
        assertThat(root.resolve("backup/data/users/.pgbackup/runs.json")).isRegularFile();
    }
}
