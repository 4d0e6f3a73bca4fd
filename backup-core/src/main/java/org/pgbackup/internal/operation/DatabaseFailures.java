package org.pgbackup.internal.operation;

import java.util.Map;

/** The one message of a whole-server operation in which some databases failed and the others did not. */
public final class DatabaseFailures {
    private DatabaseFailures() {
    }

    /**
     * For example {@code 1 of the 3 databases of service 'app' failed; the other 2 are
     * stored: 'secret': <why>}.
     *
     * @param failed what happened to the failed ones, such as {@code failed}
     * @param done what happened to the others, such as {@code are stored}
     */
    static String describe(String service, int total, Map<String, String> failures, String failed, String done) {
        int others = total - failures.size();
        return failures.size() + " of the " + total + " databases of service '" + service + "' " + failed
                + (others == 0 ? "" : "; the other " + others + " " + done) + ": " + String.join("; ",
                        failures.entrySet().stream().map(f -> "'" + f.getKey() + "': " + f.getValue()).toList());
    }
}
