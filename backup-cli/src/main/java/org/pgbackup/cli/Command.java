package org.pgbackup.cli;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.ParameterException;
import com.beust.jcommander.Parameters;
import java.io.PrintStream;
import java.util.List;
import org.pgbackup.controller.BackupController;

/** One command of the command line: its options, and how it prints what the controller did. */
abstract class Command {
    @Parameter(names = {"--help", "-h"}, help = true, description = "Show this command's usage and exit")
    private boolean help;

    boolean help() {
        return help;
    }

    String name() {
        return getClass().getAnnotation(Parameters.class).commandNames()[0];
    }

    /** The command's positional arguments. */
    abstract List<String> arguments();

    /**
     * Checks what JCommander cannot: JCommander hands an unknown option such as
     * {@code --nope} to the positional arguments, where it would pass for a service name.
     */
    final void check() {
        for (String argument : arguments()) {
            if (argument.startsWith("-")) {
                throw usage("Unknown option: " + argument);
            }
        }
        validate();
    }

    /** Checks the number of arguments and the like. */
    void validate() {
    }

    /** @return the exit status */
    abstract int run(BackupController controller, PrintStream out, ErrorStream err);

    /**
     * Called when the JVM is asked to stop (SIGTERM, Ctrl-C) while {@link #run} works on
     * {@code worker}. The default stops the PostgreSQL programs at once, so the operation
     * fails and removes what it had staged, and waits for it to do so.
     */
    void shutdown(BackupController controller, Thread worker) throws InterruptedException {
        controller.cancel();
        worker.join(CLEANUP_MILLIS);
    }

    private static final long CLEANUP_MILLIS = 30_000;

    static ParameterException usage(String message) {
        return new ParameterException(message);
    }
}
