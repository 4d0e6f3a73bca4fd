package org.pgbackup.cli;

import com.beust.jcommander.Parameter;
import java.util.ArrayList;
import java.util.List;

/** A command that acts on exactly one service, named as its one argument. */
abstract class OneServiceCommand extends Command {
    @Parameter(description = "<service>")
    private List<String> services = new ArrayList<>();

    @Override
    List<String> arguments() {
        return services;
    }

    @Override
    void validate() {
        ServiceArgument.checkOne(services);
    }

    /** The service named, once {@link #validate()} passed. */
    String service() {
        return services.get(0);
    }
}
