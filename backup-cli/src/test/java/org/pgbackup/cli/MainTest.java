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
    void helpListsTheSixCommandsOfTheSpecificationThenVerifyHealthDrillAndSync() {
        Outcome help = run(Map.of(), "--help");
        assertThat(help.status()).isZero();
        assertThat(help.out().lines().filter(l -> l.startsWith("  ")).map(l -> l.trim().split(" ")[0]))
                .containsExactly("start", "dump", "restore", "restore-from-shared", "list", "resetwal", "verify", "health",
                        "drill", "sync");
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
                "drill"}) {
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
