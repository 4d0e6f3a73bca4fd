package org.pgbackup.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pgbackup.spi.ObjectLocks;
import org.pgbackup.spi.PendingObject;
import org.pgbackup.spi.Storage;

/**
 * {@code S3_OBJECT_LOCK} against a real implementation of S3's Object Lock API (Adobe
 * S3Mock): the bucket check and its refusal, the lock's mode and date on every upload, single
 * or multipart, as the headers that reach the server and as the retention the server then
 * reports, locks that only grow, and deletion of every version. S3Mock does not itself
 * refuse to delete a locked object; that refusal is the real S3's, and the controller never
 * asks for it early (the retention sweep's tests).
 */
class S3ObjectLocksTest {
    private static final Instant UNTIL = Instant.parse("2027-03-04T05:06:07Z");

    static S3MockServer s3;

    @BeforeAll
    static void startS3Mock() throws Exception {
        s3 = S3MockServer.start().bucket("locked", true).bucket("plain", false);
    }

    @AfterAll
    static void stopS3Mock() {
        s3.close();
    }

    private static Storage storage(Map<String, String> env) {
        return S3ProxyServer.storage(env);
    }

    private static ObjectLocks locks(Storage storage) {
        return storage.objectLocks().orElseThrow();
    }

    private static void write(ObjectLocks locks, String name, byte[] content, Instant until) throws IOException {
        try (PendingObject object = locks.create("app", name, until)) {
            object.output().write(content);
            object.commit();
        }
    }

    @Test
    void noLockSettingMeansNoLocks() throws IOException {
        try (Storage storage = storage(s3.environment("locked", "p"))) {
            assertThat(storage.objectLocks()).isEmpty();
        }
    }

    @Test
    void aBucketWithObjectLockPassesTheCheckAndOneWithoutIsRefusedWithTheFix() throws IOException {
        try (Storage storage = storage(s3.environment("locked", "p", "S3_OBJECT_LOCK", "governance"))) {
            locks(storage).check();
        }
        try (Storage storage = storage(s3.environment("plain", "p", "S3_OBJECT_LOCK", "compliance"))) {
            assertThatThrownBy(() -> locks(storage).check()).isInstanceOf(IOException.class)
                    .hasMessageStartingWith("S3_OBJECT_LOCK=compliance needs a bucket with Object Lock enabled, and"
                            + " s3://plain/p at " + s3.endpoint() + " has none (the server answered ")
                    .hasMessageEndingWith("create the bucket with Object Lock (aws s3api create-bucket"
                            + " --object-lock-enabled-for-bucket, or put-object-lock-configuration on a versioned"
                            + " bucket), or unset S3_OBJECT_LOCK");
        }
    }

    @Test
    void everyUploadCarriesTheLockAndTheServerHoldsItsDate() throws IOException {
        try (FaultyProxy proxy = new FaultyProxy(s3.port(), 0, FaultyProxy.Fault.DROP);
                Storage storage = storage(s3.environment("locked", "headers", "S3_ENDPOINT", proxy.endpoint(),
                        "S3_OBJECT_LOCK", "compliance", "S3_PART_SIZE_MB", "5"))) {
            ObjectLocks locks = locks(storage);
            write(locks, "small.dump", "small".getBytes(StandardCharsets.UTF_8), UNTIL);
            byte[] large = new byte[6 * 1024 * 1024];
            Arrays.fill(large, (byte) 7);
            write(locks, "large.dump", large, UNTIL.plus(1, ChronoUnit.DAYS));

            String sent = proxy.requests();
            // The single PUT and the multipart upload's first request carry the lock, as S3 documents.
            assertThat(sent).contains("PUT /locked/headers/app/small.dump HTTP/1.1");
            assertThat(sent).contains("POST /locked/headers/app/large.dump?uploads= HTTP/1.1");
            assertThat(sent.split("x-amz-object-lock-mode: COMPLIANCE", -1)).hasSize(3);
            assertThat(sent).contains("x-amz-object-lock-retain-until-date: 2027-03-04T05:06:07Z")
                    .contains("x-amz-object-lock-retain-until-date: 2027-03-05T05:06:07Z");
            assertThat(sent).contains("Content-MD5: ");

            assertThat(locks.lockedUntil("app", "small.dump")).contains(UNTIL);
            assertThat(locks.lockedUntil("app", "large.dump")).contains(UNTIL.plus(1, ChronoUnit.DAYS));
            try (InputStream in = storage.open("app", "large.dump")) {
                assertThat(in.readAllBytes()).isEqualTo(large);
            }
        }
    }

    @Test
    void locksOnlyGrowAndAnObjectWithoutOneSaysSo() throws IOException {
        try (Storage storage = storage(s3.environment("locked", "grow", "S3_OBJECT_LOCK", "governance"))) {
            ObjectLocks locks = locks(storage);
            write(locks, "a.dump", new byte[] {1}, UNTIL);
            locks.extend("app", "a.dump", UNTIL.plus(10, ChronoUnit.DAYS));
            assertThat(locks.lockedUntil("app", "a.dump")).contains(UNTIL.plus(10, ChronoUnit.DAYS));
            locks.extend("app", "a.dump", UNTIL);
            assertThat(locks.lockedUntil("app", "a.dump")).contains(UNTIL.plus(10, ChronoUnit.DAYS));

            try (PendingObject object = storage.create("app", "unlocked.txt")) {
                object.output().write(1);
                object.commit();
            }
            assertThat(locks.lockedUntil("app", "unlocked.txt")).isEmpty();
            assertThatThrownBy(() -> locks.lockedUntil("app", "missing.dump"))
                    .isInstanceOf(java.nio.file.NoSuchFileException.class);
        }
    }

    @Test
    void deletingRemovesTheObjectForGood() throws IOException {
        try (Storage storage = storage(s3.environment("locked", "delete", "S3_OBJECT_LOCK", "governance",
                "S3_OBJECT_LOCK_GRACE", "2h"))) {
            ObjectLocks locks = locks(storage);
            assertThat(locks.grace()).hasHours(2);
            write(locks, "old.dump", new byte[] {1, 2}, UNTIL);
            storage.delete("app", "old.dump");
            assertThat(storage.list("app")).isEmpty();
            storage.delete("app", "old.dump");
        }
    }

    @Test
    void badLockSettingsAreRefused() {
        assertThat(new S3StorageProvider().validate(s3.environment("locked", "p", "S3_OBJECT_LOCK", "forever",
                "S3_OBJECT_LOCK_GRACE", "soon"))).containsExactly(
                        "Invalid value for S3_OBJECT_LOCK (should be governance or compliance): forever",
                        "Invalid value for S3_OBJECT_LOCK_GRACE (should be a positive duration such as 1d, 26h, 90m"
                                + " or 3600): soon");
    }
}
