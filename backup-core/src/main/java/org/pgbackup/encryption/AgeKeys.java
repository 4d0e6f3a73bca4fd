package org.pgbackup.encryption;

import com.exceptionfactory.jagged.RecipientStanzaReader;
import com.exceptionfactory.jagged.RecipientStanzaWriter;
import com.exceptionfactory.jagged.x25519.X25519RecipientStanzaReaderFactory;
import com.exceptionfactory.jagged.x25519.X25519RecipientStanzaWriterFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.tinylog.Logger;

/**
 * age keys as the {@code age} tool writes and reads them: recipients ({@code age1...}
 * X25519 public keys) and identity files in {@code age-keygen} format. Every message names
 * the variable or file and a line number, never a key: a secret key pasted in the wrong
 * place must not reach a log.
 *
 * <p>Stateless: its static methods may be called from any thread.
 */
public final class AgeKeys {
    private static final String SECRET_PREFIX = "AGE-SECRET-KEY-";

    private AgeKeys() {
    }

    /**
     * Checks recipients and returns the usable ones.
     *
     * @param source what they came from, for messages, such as {@code AGE_RECIPIENTS}
     */
    public static List<String> checkRecipients(List<String> keys, String source, List<String> problems) {
        List<String> good = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            String key = keys.get(i).strip();
            String where = source + " (entry " + (i + 1) + ")";
            if (key.toUpperCase(Locale.ROOT).startsWith(SECRET_PREFIX)) {
                problems.add(where + " holds a secret key (AGE-SECRET-KEY-...), which must never be on a machine"
                        + " that only backs up: give its public key, which 'age-keygen -y' prints (age1...)");
            } else if (recipient(key) == null) {
                problems.add(where + " is not an age X25519 public key (age1..., as 'age-keygen' prints it)");
            } else {
                good.add(key);
            }
        }
        return good;
    }

    /** The recipients of a file as the {@code age -R} tool reads it: one per line, {@code #} comments. */
    public static List<String> readRecipientsFile(Path file, List<String> problems) {
        try {
            return meaningfulLines(Files.readAllLines(file));
        } catch (IOException e) {
            problems.add("Cannot read AGE_RECIPIENTS_FILE " + file + ": " + e.getClass().getSimpleName()
                    + ". Mount it readable by the controller's user");
            return List.of();
        }
    }

    /**
     * Checks an identity file: readable, and every key in it an age X25519 identity. A file
     * that group or others can read is used, with a warning.
     */
    public static void checkIdentityFile(Path file, List<String> problems) {
        try {
            identities(file);
        } catch (IdentityFileException e) {
            problems.add(e.getMessage());
        }
    }

    /** The identities of a file in {@code age-keygen} format, possibly several, for rotation. */
    static List<RecipientStanzaReader> identities(Path file) {
        List<String> lines;
        try {
            lines = meaningfulLines(Files.readAllLines(file));
        } catch (IOException e) {
            throw new IdentityFileException("Cannot read AGE_IDENTITY_FILE " + file + ": "
                    + e.getClass().getSimpleName() + ". Mount it readable by the controller's user");
        }
        warnIfShared(file);
        List<RecipientStanzaReader> readers = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            try {
                readers.add(X25519RecipientStanzaReaderFactory.newRecipientStanzaReader(lines.get(i)));
            } catch (GeneralSecurityException | RuntimeException e) {
                throw new IdentityFileException("AGE_IDENTITY_FILE " + file + ": key " + (i + 1)
                        + " is not an age X25519 identity (AGE-SECRET-KEY-1..., as 'age-keygen' writes it)");
            }
        }
        if (readers.isEmpty()) {
            throw new IdentityFileException("AGE_IDENTITY_FILE " + file + " holds no identity: create one with"
                    + " 'age-keygen -o " + file + "'");
        }
        return readers;
    }

    static RecipientStanzaWriter recipient(String key) {
        try {
            return X25519RecipientStanzaWriterFactory.newRecipientStanzaWriter(key);
        } catch (GeneralSecurityException | RuntimeException e) {
            return null;
        }
    }

    private static List<String> meaningfulLines(List<String> lines) {
        return lines.stream().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    }

    private static void warnIfShared(Path file) {
        try {
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
            if (mode.contains(PosixFilePermission.GROUP_READ) || mode.contains(PosixFilePermission.OTHERS_READ)) {
                Logger.warn("AGE_IDENTITY_FILE {} can be read by others (mode {}): chmod 600 it", file,
                        PosixFilePermissions.toString(mode));
            }
        } catch (IOException | UnsupportedOperationException e) {
            // Read above already; a file system without modes has nothing to warn about.
        }
    }

    /** An identity file that cannot serve; its message names the file, never a key. */
    static final class IdentityFileException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        IdentityFileException(String message) {
            super(message);
        }
    }
}
