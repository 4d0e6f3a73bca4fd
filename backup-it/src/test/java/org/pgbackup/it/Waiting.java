package org.pgbackup.it;

import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Polls for a condition that a background controller makes true; fails with a description after a bound. */
public final class Waiting {
    private Waiting() {
    }

    /** Polls every 100 ms until the condition holds; fails naming what it waited for, with the context, after the bound. */
    public static void until(String what, Duration bound, BooleanSupplier condition, Supplier<String> context) {
        Instant deadline = Instant.now().plus(bound);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("Gave up waiting " + bound.toSeconds() + "s for " + what + "\n"
                        + context.get());
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("Interrupted while waiting for " + what);
            }
        }
    }
}
