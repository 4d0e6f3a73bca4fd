package org.pgbackup.cli;

import com.beust.jcommander.Parameter;

/** Options before the command. */
final class GlobalOptions {
    @Parameter(names = {"--help", "-h"}, help = true, description = "Show the commands and exit")
    boolean help;
}
