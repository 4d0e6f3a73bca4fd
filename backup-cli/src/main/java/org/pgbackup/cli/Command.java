package org.pgbackup.cli;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.ParameterException;
import com.beust.jcommander.Parameters;
import java.io.PrintStream;
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

    /** Checks what JCommander cannot, such as how many arguments were given. */
    void validate() {
    }

    /** @return the exit status */
    abstract int run(BackupController controller, PrintStream out, PrintStream err);

    static ParameterException usage(String message) {
        return new ParameterException(message);
    }
}
