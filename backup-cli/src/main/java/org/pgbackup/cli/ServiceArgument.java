package org.pgbackup.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.function.ToIntBiFunction;
import org.pgbackup.controller.ServiceOutcome;

/** The {@code <service|--all>} argument that several commands share. */
final class ServiceArgument {
    private ServiceArgument() {
    }

    /** Checks that exactly one service was given. */
    static void checkOne(List<String> services) {
        if (services.size() != 1) {
            throw Command.usage(services.isEmpty() ? "Name a service" : "Name one service; got " + String.join(" ",
                    services));
        }
    }

    /**
     * Prints what happened to each service of an {@code --all} command: successes through
     * {@code print}, failures as error lines.
     *
     * @return the exit status: the worst of all services'
     */
    static <T> int report(List<ServiceOutcome<T>> outcomes, ToIntBiFunction<String, T> print, ErrorStream err) {
        int status = 0;
        for (ServiceOutcome<T> outcome : outcomes) {
            if (outcome.failure().isPresent()) {
                err.error(outcome.service() + ": " + (outcome.failure().get().getMessage()));
                status = Math.max(status, outcome.failure().get().exitCode());
            } else {
                status = Math.max(status, print.applyAsInt(outcome.service(), outcome.result().orElseThrow()));
            }
        }
        return status;
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
