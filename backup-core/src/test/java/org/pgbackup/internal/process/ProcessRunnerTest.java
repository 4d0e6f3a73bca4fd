package org.pgbackup.internal.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessRunnerTest {
    private final ProcessRunner runner = new ProcessRunner();
    private static final Duration MINUTE = Duration.ofMinutes(1);

    private static ProcessSpec sh(String script) {
        return ProcessSpec.of(List.of("/bin/sh", "-c", script), Map.of(), MINUTE);
    }

    @Test
    void keepsStdoutAsTextAndTheExitStatus() throws IOException {
        ProcessResult result = runner.run(sh("echo hello; exit 3"));
        assertThat(result.stdout()).isEqualTo("hello\n");
        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.succeeded()).isFalse();
        assertThat(result.failure()).isEqualTo("exited with status 3");
    }

    @Test
    void quotesOnlyTheTailOfALongErrorOutput() throws IOException {
        ProcessResult result = runner.run(sh("i=0; while [ $i -lt 500 ]; do echo line $i >&2; i=$((i+1)); done;"
                + " exit 1"));
        assertThat(result.stderr().lines()).hasSize(30).last().isEqualTo("line 499");
        assertThat(result.failure()).startsWith("exited with status 1: line 470 line 471").endsWith("line 499");
    }

    @Test
    void streamsBinaryStdoutToTheConsumerAndFeedsStdin() throws IOException {
        byte[] input = new byte[3 * 1024 * 1024];
        for (int i = 0; i < input.length; i++) {
            input[i] = (byte) (i * 31);
        }
        ByteArrayOutputStream copy = new ByteArrayOutputStream();
        ProcessResult result = runner.run(ProcessSpec.of(List.of("cat"), Map.of(), MINUTE)
                .withStdin(out -> out.write(input)).withStdout(in -> in.transferTo(copy)));
        assertThat(result.succeeded()).isTrue();
        assertThat(copy.toByteArray()).isEqualTo(input);
    }

    @Test
    void stopsAProgramThatRunsPastItsTimeout() throws IOException {
        ProcessResult result = runner.run(ProcessSpec.of(List.of("sleep", "30"), Map.of(),
                Duration.ofMillis(300)));
        assertThat(result.timedOut()).isTrue();
        assertThat(result.succeeded()).isFalse();
        assertThat(result.failure()).startsWith("was stopped after running too long");
    }

    /** Two controllers in one JVM each own a runner: stopping one leaves the other's programs running. */
    @Test
    void stopAllStopsOnlyThisRunnersProgramsAndRefusesMoreOnIt() throws Exception {
        ProcessRunner other = new ProcessRunner();
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<ProcessResult> mine = threads.submit(() -> runner.run(sh("sleep 30")));
            Future<ProcessResult> theirs = threads.submit(() -> other.run(sh("sleep 3; echo done")));
            Thread.sleep(1000);

            runner.stopAll();

            assertThat(stoppedOrFailed(mine)).as("stopped").isTrue();
            ProcessResult survived = theirs.get(20, TimeUnit.SECONDS);
            assertThat(survived.succeeded()).as(survived.failure()).isTrue();
            assertThat(survived.stdout()).isEqualTo("done\n");
        } finally {
            threads.shutdownNow();
        }
        assertThatThrownBy(() -> runner.run(sh("true"))).isInstanceOf(IOException.class)
                .hasMessageContaining("shutting down");
        assertThat(new ProcessRunner().run(sh("echo fresh")).stdout()).isEqualTo("fresh\n");
    }

    /** A stopped run ends as failed, or with an error if a stream broke as its program died. */
    private static boolean stoppedOrFailed(Future<ProcessResult> run) throws Exception {
        try {
            return !run.get(20, TimeUnit.SECONDS).succeeded();
        } catch (ExecutionException e) {
            return e.getCause() instanceof IOException;
        }
    }

    @Test
    void childGetsTheGivenSecretButNoneOfTheControllersOwn() throws IOException {
        ProcessResult result = runner.run(ProcessSpec.of(List.of("env"), Map.of("PGPASSWORD", "given"), MINUTE));
        assertThat(result.stdout()).contains("PGPASSWORD=given");
        assertThat(result.stdout().lines().filter(l -> !l.startsWith("PGPASSWORD="))
                .filter(l -> l.contains("PASSWORD=") || l.contains("SECRET_ACCESS_KEY="))).isEmpty();
    }

    @Test
    void aFailingConsumerStopsTheProgramAndIsReported() {
        assertThatThrownBy(() -> runner.run(ProcessSpec.of(List.of("yes"), Map.of(), MINUTE).withStdout(in -> {
            in.readNBytes(1000);
            throw new IOException("disk full");
        }))).isInstanceOf(IOException.class).hasMessage("disk full");
    }

    @Test
    void aFeederThatFailsKillsTheChildBeforeItSeesTheEndOfInput(@TempDir Path dir) throws IOException {
        Path marker = dir.resolve("saw-eof");
        // The child records that its input ended normally; a killed child never writes it.
        ProcessSpec spec = ProcessSpec.of(List.of("/bin/sh", "-c", "cat > /dev/null; sleep 1; touch " + marker),
                Map.of(), MINUTE).withStdin(out -> {
                    out.write("partial".getBytes(StandardCharsets.UTF_8));
                    throw new IOException("source broke");
                });
        assertThatThrownBy(() -> runner.run(spec)).isInstanceOf(IOException.class).hasMessage("source broke");
        assertThat(Files.exists(marker)).isFalse();
    }

    @Test
    void aProgramThatCannotStartIsAnIoException() {
        assertThatThrownBy(() -> runner.run(ProcessSpec.of(List.of("/nonexistent/pg_dump"), Map.of(), MINUTE)))
                .isInstanceOf(IOException.class);
    }

    @Test
    void describingASpecShowsVariableNamesNotValues() {
        assertThat(ProcessSpec.of(List.of("pg_dump", "--host=h"), Map.of("PGPASSWORD", "s3cret"), MINUTE).toString())
                .isEqualTo("pg_dump --host=h (with [PGPASSWORD])").doesNotContain("s3cret");
    }
}
