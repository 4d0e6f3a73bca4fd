package org.pgbackup.error;

import java.util.List;

/**
 * The environment does not describe a usable configuration. It carries every problem
 * found, so that a user can fix them all in one pass.
 */
public class ConfigurationException extends BackupException {
    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    /** @param problems one sentence each, naming the variable, the value and the fix */
    public ConfigurationException(List<String> problems) {
        super(String.join("; ", problems));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("problems is empty");
        }
        this.problems = List.copyOf(problems);
    }

    public ConfigurationException(String problem) {
        this(List.of(problem));
    }

    /** Every problem found, in the order found. */
    public List<String> problems() {
        return problems;
    }

    @Override
    public ErrorCode code() {
        return ErrorCode.CONFIGURATION;
    }
}
