package org.pgbackup.internal.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.pgbackup.naming.BackupName;

/** Which files of a destination with object locks are locked, by the archive they belong to. */
class LockedStorageTest {
    @Test
    void anArchiveAndItsSidecarsBelongToTheArchiveAndNothingElseIsLocked() {
        String archive = "file_weekly_2026-11-29T03:00:00Z.dump.zst.age";
        BackupName name = BackupName.parse(archive).orElseThrow();
        assertThat(name.createdAt()).isEqualTo(Instant.parse("2026-11-29T03:00:00Z"));
        for (String file : new String[] {archive, archive + ".manifest.json", archive + ".roles.sql.age"}) {
            assertThat(LockedStorage.archiveOf(file)).as(file).contains(name);
        }
        assertThat(LockedStorage.archiveOf("file_daily_2026-11-30T03:00:00Z.dump.roles.sql"))
                .contains(BackupName.parse("file_daily_2026-11-30T03:00:00Z.dump").orElseThrow());
        assertThat(LockedStorage.archiveOf("runs.json")).isEmpty();
        assertThat(LockedStorage.archiveOf("file_daily_2026-11-30T03:00:00Z.dump.tmp")).isEmpty();
        assertThat(LockedStorage.archiveOf(".manifest.json")).isEmpty();
    }
}
