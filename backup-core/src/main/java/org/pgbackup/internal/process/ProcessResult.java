package org.pgbackup.internal.process;

/**
 * How a program ended.
 *
 * @param exitCode its exit status; meaningless when it timed out
 * @param timedOut whether the runner stopped it for running too long
 * @param stdout its standard output as text, when the spec did not consume it
 * @param stderr the last lines of its standard error
 */
public record ProcessResult(int exitCode, boolean timedOut, String stdout, String stderr) {

    /** Whether it exited 0 within its time. */
    public boolean succeeded() {
        return !timedOut && exitCode == 0;
    }

    /** Why it failed, in words for a message: the exit status or the timeout, then its error output. */
    public String failure() {
        String how = timedOut ? "was stopped after running too long" : "exited with status " + exitCode;
        return stderr.isBlank() ? how : how + ": " + stderr.strip().replaceAll("\\s+", " ");
    }
}
