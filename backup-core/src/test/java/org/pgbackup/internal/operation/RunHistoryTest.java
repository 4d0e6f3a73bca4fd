package org.pgbackup.internal.operation;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pgbackup.controller.RunLog;
import org.pgbackup.controller.RunRecord;
import org.pgbackup.controller.RunRecord.Outcome;

/** The run history on disk: newest first, bounded, whole after every write, readable as written. */
class RunHistoryTest {
    private static final Instant T0 = Instant.parse("2026-01-01T03:00:00Z");

    @TempDir
    Path dir;

    private static RunRecord run(int i) {
        return new RunRecord("users", T0.plusSeconds(i), Duration.ofMillis(1500 + i), i % 3 == 0 ? Outcome.FAILED
                : Outcome.OK, i % 3 == 0 ? Optional.empty() : Optional.of("file_daily_" + i + ".dump.zst"),
                i % 3 == 0 ? 0 : 1000L + i, i % 3 == 0 ? List.of() : List.of("local", "s3"),
                i % 3 == 0 ? Map.of("s3", "bucket \"gone\"\\ <b>") : Map.of(), i % 3 == 0
                        ? Optional.of("pg_dump failed: FATAL: password authentication failed") : Optional.empty());
    }

    @Test
    void runsComeBackAsWrittenNewestFirst() throws IOException {
        for (int i = 1; i <= 3; i++) {
            RunHistory.record(dir, run(i));
        }
        assertThat(RunHistory.read(dir, "users").runs()).containsExactly(run(3), run(2), run(1));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("runs.json"))))
                .isEqualTo("rw-------");
        assertThat(dir.resolve("runs.json.new")).doesNotExist();
    }

    @Test
    void theHistoryKeepsTheLast500Runs() {
        for (int i = 1; i <= RunHistory.LIMIT + 5; i++) {
            RunHistory.record(dir, run(i));
        }
        List<RunRecord> runs = RunHistory.read(dir, "users").runs();
        assertThat(runs).hasSize(500);
        assertThat(runs.get(0)).isEqualTo(run(505));
        assertThat(runs.get(499)).isEqualTo(run(6));
    }

    @Test
    void anUnreadableHistoryStartsAnewAndNoHistoryIsEmpty() throws IOException {
        assertThat(RunHistory.read(dir, "users")).isEqualTo(new RunLog(List.of(), 0));
        Files.writeString(dir.resolve("runs.json"), "{\"half\": ");
        assertThat(RunHistory.read(dir, "users")).isEqualTo(new RunLog(List.of(), 1));
        RunHistory.record(dir, run(7));
        assertThat(RunHistory.read(dir, "users")).isEqualTo(new RunLog(List.of(run(7)), 0));
    }

    @Test
    void aHistoryCutInHalfGivesTheRunsBeforeTheCutAndTheNextRunWritesItWhole() throws IOException {
        for (int i = 1; i <= 4; i++) {
            RunHistory.record(dir, run(i));
        }
        Path file = dir.resolve("runs.json");
        String whole = Files.readString(file);
        int third = whole.indexOf("{\"started\"", whole.indexOf("{\"started\"", whole.indexOf("{\"started\"") + 1) + 1);
        Files.writeString(file, whole.substring(0, third + 20));
        RunLog cut = RunHistory.read(dir, "users");
        assertThat(cut.unreadable()).isEqualTo(1);
        assertThat(cut.runs()).containsExactly(run(4), run(3));
        RunHistory.record(dir, run(5));
        assertThat(RunHistory.read(dir, "users")).isEqualTo(new RunLog(List.of(run(5), run(4), run(3)), 0));
    }
}
