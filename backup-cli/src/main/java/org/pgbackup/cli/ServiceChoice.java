package org.pgbackup.cli;

import com.beust.jcommander.Parameter;
import java.util.ArrayList;
import java.util.List;

/** {@code <service>} or {@code --all}, as the commands that act on one or every service take them. */
final class ServiceChoice {
    @Parameter(description = "<service>")
    private List<String> services = new ArrayList<>();

    @Parameter(names = "--all", description = "Every service of DATABASE_LIST, in its order")
    private boolean all;

    void validate() {
        ServiceArgument.check(services, all);
    }

    List<String> arguments() {
        return services;
    }

    boolean all() {
        return all;
    }

    /** The one service named, when not {@link #all()}. */
    String service() {
        return services.get(0);
    }
}
