package org.pgbackup.naming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.pgbackup.compression.ArchiveForm;
import org.pgbackup.error.InvalidArchiveNameException;

class BackupNameTest {

    @Test
    void formatsTheSpecificationsExample() {
        BackupName name = new BackupName(BackupKind.DAILY, Instant.parse("2025-07-04T09:00:00.789Z"));
        assertThat(name.fileName()).isEqualTo("file_daily_2025-07-04T09:00:00Z.dump");
    }

    @Test
    void parsesWhatItFormats() {
        for (BackupKind kind : BackupKind.values()) {
            for (ArchiveForm form : ArchiveForm.values()) {
                BackupName name = new BackupName(kind, Instant.parse("2024-02-29T23:59:59Z"), form);
                assertThat(BackupName.parse(name.fileName())).contains(name);
            }
        }
    }

    @Test
    void aZstdArchiveEndsInDumpZstAndIsADifferentNameFromThePlainOne() {
        BackupName zstd = BackupName.startedAt(Instant.parse("2025-07-04T09:00:00Z"), ZoneId.of("UTC"), ArchiveForm.ZSTD);
        assertThat(zstd.fileName()).isEqualTo("file_daily_2025-07-04T09:00:00Z.dump.zst");
        assertThat(zstd.as(ArchiveForm.CUSTOM).fileName()).isEqualTo("file_daily_2025-07-04T09:00:00Z.dump");
        assertThat(zstd).isNotEqualTo(zstd.as(ArchiveForm.CUSTOM));
        assertThat(BackupName.parse("file_daily_2025-07-04T09:00:00Z.dump.zst.tmp")).isEmpty();
        assertThat(BackupName.parse("file_daily_2025-07-04T09:00:00Z.zst")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"file.dump", "file_daily_2025-07-04T09:00:00Z.dump.tmp", "file_hourly_2025-07-04T09:00:00Z.dump",
        "file_daily_2025-02-30T09:00:00Z.dump", "file_daily_2025-07-04T25:00:00Z.dump", "file_daily_2025-07-04 09:00:00Z.dump",
        ".tmp-file_daily_2025-07-04T09:00:00Z.dump-1", "FILE_DAILY_2025-07-04T09:00:00Z.DUMP", ""})
    void namesOfOtherFormsDoNotParse(String text) {
        assertThat(BackupName.parse(text)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"../file_daily_2025-07-04T09:00:00Z.dump", "/etc/passwd", "a/file_daily_2025-07-04T09:00:00Z.dump",
        "..", "..\\x"})
    void pathsAreRefusedAsPaths(String text) {
        assertThatThrownBy(() -> BackupName.parseArgument(text)).isInstanceOf(InvalidArchiveNameException.class)
                .hasMessageContaining("is a path, not an archive name");
    }

    @Test
    void otherFormsAreRefusedWithTheExpectedForm() {
        assertThatThrownBy(() -> BackupName.parseArgument("backup.sql")).isInstanceOf(InvalidArchiveNameException.class)
                .hasMessageContaining("'backup.sql' is not an archive name")
                .hasMessageContaining("file_<daily|weekly|monthly>_<yyyy-MM-ddTHH:mm:ssZ>.dump");
    }

    @Test
    void kindComesFromTheCalendarDayInTheZoneNotInUtc() {
        // 23:30 UTC on Friday 2025-05-31 is already Saturday the 1st in Berlin.
        Instant instant = Instant.parse("2025-05-31T22:30:00Z");
        assertThat(BackupName.startedAt(instant, ZoneId.of("UTC")).kind()).isEqualTo(BackupKind.WEEKLY);
        assertThat(BackupName.startedAt(instant, ZoneId.of("Europe/Berlin")).kind()).isEqualTo(BackupKind.MONTHLY);
        assertThat(BackupName.startedAt(instant, ZoneId.of("America/New_York")).kind()).isEqualTo(BackupKind.WEEKLY);
        // The name keeps UTC whatever the zone.
        assertThat(BackupName.startedAt(instant, ZoneId.of("Europe/Berlin")).fileName())
                .isEqualTo("file_monthly_2025-05-31T22:30:00Z.dump");
    }

    @Test
    void kindsOfAYear() {
        int monthly = 0;
        int weekly = 0;
        for (LocalDate day = LocalDate.of(2025, 1, 1); day.getYear() == 2025; day = day.plusDays(1)) {
            BackupKind kind = BackupKind.forDay(day);
            if (day.getDayOfMonth() == 1) {
                assertThat(kind).as(day.toString()).isEqualTo(BackupKind.MONTHLY);
                monthly++;
            } else if (day.getDayOfWeek() == java.time.DayOfWeek.SATURDAY) {
                assertThat(kind).as(day.toString()).isEqualTo(BackupKind.WEEKLY);
                weekly++;
            } else {
                assertThat(kind).as(day.toString()).isEqualTo(BackupKind.DAILY);
            }
        }
        assertThat(monthly).isEqualTo(12);
        // 2025 has 52 Saturdays; three of them (Feb 1st, Mar 1st, Nov 1st) are the 1st, so monthly.
        assertThat(weekly).isEqualTo(49);
        assertThat(BackupKind.forDay(LocalDate.of(2025, 11, 1))).isEqualTo(BackupKind.MONTHLY);
    }

    @Test
    void sortsNewestFirst() {
        List<BackupName> names = new ArrayList<>(List.of(
                new BackupName(BackupKind.DAILY, Instant.parse("2025-07-04T09:00:00Z")),
                new BackupName(BackupKind.MONTHLY, Instant.parse("2025-07-01T09:00:00Z")),
                new BackupName(BackupKind.DAILY, Instant.parse("2025-07-04T15:00:00Z"))));
        names.sort(null);
        assertThat(names).extracting(BackupName::fileName).containsExactly("file_daily_2025-07-04T15:00:00Z.dump",
                "file_daily_2025-07-04T09:00:00Z.dump", "file_monthly_2025-07-01T09:00:00Z.dump");
    }
}
