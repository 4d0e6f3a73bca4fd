package org.pgbackup.internal.postgres;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PostgreSQL version as programs and servers report it.
 *
 * @param major the major version: 15 for 15.4; for releases before 10, the first number
 * @param text the version as reported, for messages
 */
public record PgVersion(int major, String text) {
    private static final Pattern PROGRAM = Pattern.compile("\\(PostgreSQL\\) (\\d+)((?:\\.\\d+)*)");

    /** Reads the answer of {@code <program> --version}, such as {@code pg_dump (PostgreSQL) 15.18}. */
    public static Optional<PgVersion> ofProgramOutput(String output) {
        Matcher m = PROGRAM.matcher(output);
        return m.find() ? Optional.of(new PgVersion(Integer.parseInt(m.group(1)), m.group(1) + m.group(2)))
                : Optional.empty();
    }

    /** Reads {@code server_version_num} (for example {@code 150004}) with {@code server_version}. */
    public static Optional<PgVersion> ofServer(String versionNum, String text) {
        try {
            int num = Integer.parseInt(versionNum.trim());
            return Optional.of(new PgVersion(num / 10000, text.trim()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return text;
    }
}
