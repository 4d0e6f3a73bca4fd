package org.pgbackup.naming;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/**
 * The directory of one database of a whole-server service: {@code data/<service>/<directory>/}.
 * Letters {@code A-Z a-z}, digits, {@code _} and {@code -} stand for themselves; every other
 * byte of the name's UTF-8 form, the dot and {@code %} included, is {@code %} and two
 * upper-case hex digits. So {@code my db} is {@code my%20db}, {@code café} is
 * {@code caf%C3%A9} and {@code ..} is {@code %2E%2E}.
 *
 * <p>Why this form: it is one path segment on every store, it never starts with a dot (no
 * hidden directory, never {@code .} or {@code ..}), it never contains a dot (so never an
 * archive's or a sidecar's name, which sit beside it), and it is one-to-one: two databases
 * never share a directory, and the name reads back from it. PostgreSQL's 63-byte names
 * stay within 189 characters, below every file system's limit.
 *
 * <p>Stateless: its static methods may be called from any thread.
 */
public final class DatabaseDirectory {
    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    private DatabaseDirectory() {
    }

    /** The directory of a database name. */
    public static String of(String database) {
        if (database.isEmpty()) {
            throw new IllegalArgumentException("A database name is not empty");
        }
        StringBuilder directory = new StringBuilder();
        for (byte b : database.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (c < 0x80 && (Character.isLetterOrDigit(c) || c == '_' || c == '-')) {
                directory.append(c);
            } else {
                directory.append('%').append(HEX.toHexDigits(b));
            }
        }
        return directory.toString();
    }

    /**
     * The database name a directory stands for, or empty if the text is not a directory
     * this class made: another character, a broken escape, an escape of a byte that stands
     * for itself, or bytes that are not UTF-8.
     */
    public static Optional<String> database(String directory) {
        if (directory.isEmpty()) {
            return Optional.empty();
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < directory.length(); i++) {
            char c = directory.charAt(i);
            if (c == '%') {
                if (i + 2 >= directory.length()) {
                    return Optional.empty();
                }
                String hex = directory.substring(i + 1, i + 3);
                if (!hex.equals(hex.toUpperCase(Locale.ROOT)) || !HexFormat.isHexDigit(hex.charAt(0))
                        || !HexFormat.isHexDigit(hex.charAt(1))) {
                    return Optional.empty();
                }
                int b = HexFormat.fromHexDigits(hex);
                if (b < 0x80 && (Character.isLetterOrDigit(b) || b == '_' || b == '-')) {
                    return Optional.empty();
                }
                bytes.write(b);
                i += 2;
            } else if (c < 0x80 && (Character.isLetterOrDigit(c) || c == '_' || c == '-')) {
                bytes.write(c);
            } else {
                return Optional.empty();
            }
        }
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }
}
