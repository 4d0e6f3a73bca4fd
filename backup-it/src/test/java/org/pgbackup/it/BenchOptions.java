package org.pgbackup.it;

import java.util.HashMap;
import java.util.Map;

/** The {@code --name value} options of a benchmark's {@code main}, over its defaults. */
final class BenchOptions {
    private BenchOptions() {
    }

    /**
     * The defaults with what {@code args} sets.
     *
     * @param mode how {@code bench/run} was asked for this benchmark, for the error ("" for the main one)
     * @throws IllegalArgumentException for an option the defaults do not name
     */
    static Map<String, String> parse(String[] args, Map<String, String> defaults, String mode) {
        Map<String, String> options = new HashMap<>(defaults);
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!options.containsKey(args[i])) {
                throw new IllegalArgumentException("Unknown option " + args[i] + "; known: " + options.keySet()
                        + (mode.isEmpty() ? "" : " (with " + mode + ")"));
            }
            options.put(args[i], args[i + 1]);
        }
        return options;
    }
}
