package org.pgbackup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The command line in process: parsing, help and exit codes, with no server needed. */
class MainTest {
    private record Outcome(int status, String out, String err) {
    }

    private static Outcome run(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env);
        return new Outcome(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void helpListsTheSixCommandsOfTheSpecificationThenVerifyHealthDrillSyncAndPointInTimeRecovery() {
        Outcome help = run(Map.of(), "--help");
        assertThat(help.status()).isZero();
        assertThat(help.out().lines().filter(l -> l.startsWith("  ")).map(l -> l.trim().split(" ")[0]))
                .containsExactly("start", "dump", "restore", "restore-from-shared", "list", "resetwal", "verify", "health",
                        "drill", "sync", "basebackup", "restore-pitr");
    }

    @Test
    void aPointInTimeTargetWithoutAZoneOrWithoutAnyTargetIsAUsageError() {
        Outcome noZone = run(Map.of(), "restore-pitr", "shop", "--to", "2026-12-06 10:15:30");
        assertThat(noZone.status()).isEqualTo(2);
        assertThat(noZone.err()).contains("--to 2026-12-06 10:15:30 has no zone: add one, such as Z or +01:00");
        Outcome garbage = run(Map.of(), "restore-pitr", "shop", "--to", "yesterday");
        assertThat(garbage.status()).isEqualTo(2);
        assertThat(garbage.err()).contains("Invalid --to yesterday");
        Outcome neither = run(Map.of(), "restore-pitr", "shop");
        assertThat(neither.status()).isEqualTo(2);
        assertThat(neither.err()).contains("Give either --to <time with zone> or --latest");
        Outcome both = run(Map.of(), "restore-pitr", "shop", "--latest", "--to", "2026-12-06T10:15:30Z");
        assertThat(both.status()).isEqualTo(2);
    }

    @Test
    void aPointInTimeTargetIsReadWithItsZoneAsOneMoment() {
        assertThat(RestorePitrCommand.target("2026-12-06 11:15:30.25+01:00"))
                .isEqualTo(java.time.Instant.parse("2026-12-06T10:15:30.250Z"));
        assertThat(RestorePitrCommand.target("2026-12-06T10:15:30Z")).isEqualTo(java.time.Instant.parse(
                "2026-12-06T10:15:30Z"));
        assertThat(RestorePitrCommand.target("2026-12-06 05:15:30-05")).isEqualTo(java.time.Instant.parse(
                "2026-12-06T10:15:30Z"));
    }

    @Test
    void noCommandPrintsTheOverviewAndIsAUsageError() {
        Outcome none = run(Map.of());
        assertThat(none.status()).isEqualTo(2);
        assertThat(none.err()).contains("Commands:");
    }

    @Test
    void everyCommandHasHelpThatNeedsNoConfiguration() {
        for (String command : new String[] {"start", "dump", "restore", "restore-from-shared", "list", "resetwal", "verify", "health",
                "drill", "basebackup", "restore-pitr"}) {
            Outcome help = run(Map.of(), command, "--help");
            assertThat(help.status()).as(command).isZero();
            assertThat(help.out()).as(command).contains("Usage: " + command);
        }
    }

    @Test
    void usageMistakesExitTwoWithOneLine() {
        for (String[] args : new String[][] {{"dump"}, {"dump", "a", "b"}, {"dump", "--nope"}, {"list"},
            {"restore", "a"}, {"restore-from-shared"}, {"resetwal"}, {"nope"}}) {
            Outcome outcome = run(Map.of("DATABASE_LIST", "a"), args);
            assertThat(outcome.status()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(outcome.err().lines()).as(String.join(" ", args)).singleElement()
                    .satisfies(line -> assertThat(line).startsWith("error: ").contains("--help"));
        }
    }

    @Test
    void configurationProblemsArePrintedOneLineEachWithExitTwo() {
        Outcome outcome = run(Map.of("DATABASE_LIST", "a,a", "MODE", "prod"), "list", "a");
        assertThat(outcome.status()).isEqualTo(2);
        assertThat(outcome.err().lines()).containsExactly(
                "error: Invalid value for MODE (should be production, development or empty): prod",
                "error: Invalid value for DATABASE_LIST: service 'a' is listed twice");
    }

    @Test
    void invalidLogLevelIsAConfigurationError() {
        Outcome outcome = run(Map.of("DATABASE_LIST", "a", "LOG_LEVEL", "loud"), "list", "a");
        assertThat(outcome.status()).isEqualTo(2);
        assertThat(outcome.err()).contains("Invalid value for LOG_LEVEL");
    }

    @Test
    void sizesArePrintedForPeople() {
        assertThat(Main.bytes(512)).isEqualTo("512 B");
        assertThat(Main.bytes(1536)).isEqualTo("1.5 KiB");
        assertThat(Main.bytes(5L * 1024 * 1024 * 1024)).isEqualTo("5.0 GiB");
    }
}
