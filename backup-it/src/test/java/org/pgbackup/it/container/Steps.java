package org.pgbackup.it.container;

/**
 * The step-by-step log of every container engine step, printed with {@code -Dverbose} (the
 * specification's "-v"), written as the equivalent engine command so that a reader can
 * replay it by hand.
 */
final class Steps {
    private static final boolean VERBOSE = Boolean.parseBoolean(System.getProperty("verbose", "false"))
            || "".equals(System.getProperty("verbose"));

    private Steps() {
    }

    static void say(String command) {
        if (VERBOSE) {
            System.out.println("[engine] " + command);
        }
    }
}
