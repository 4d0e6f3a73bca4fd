package org.pgbackup.cli;

import java.util.List;

/** The {@code <service|--all>} argument that several commands share. */
final class ServiceArgument {
    private ServiceArgument() {
    }

    /** Checks that exactly one service, or {@code --all}, was given. */
    static void check(List<String> services, boolean all) {
        if (all && !services.isEmpty()) {
            throw Command.usage("Give either a service or --all, not both");
        }
        if (!all && services.size() != 1) {
            throw Command.usage(services.isEmpty() ? "Name a service, or give --all"
                    : "Name one service, or give --all; got " + String.join(" ", services));
        }
    }
}
