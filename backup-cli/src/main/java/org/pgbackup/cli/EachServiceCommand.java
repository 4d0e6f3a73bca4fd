package org.pgbackup.cli;

import com.beust.jcommander.ParametersDelegate;
import java.util.List;

/** A command that acts on one service, or on every service with {@code --all}. */
abstract class EachServiceCommand extends Command {
    @ParametersDelegate
    final ServiceChoice choice = new ServiceChoice();

    @Override
    void validate() {
        choice.validate();
    }

    @Override
    List<String> arguments() {
        return choice.arguments();
    }
}
