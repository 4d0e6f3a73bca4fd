package org.pgbackup.storage.sftp;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pgbackup.spi.Settings;

/**
 * The {@code SFTP_*} settings, read and checked together.
 *
 * @param host the server's name or address ({@code SFTP_HOST})
 * @param port its SSH port ({@code SFTP_PORT}, 22)
 * @param user the account ({@code SFTP_USER})
 * @param password its password ({@code SFTP_PASSWORD}), if it logs in with one
 * @param privateKey an OpenSSH private key file ({@code SFTP_PRIVATE_KEY_FILE}), if it logs in with a key
 * @param passphrase the key's passphrase ({@code SFTP_PRIVATE_KEY_PASSPHRASE})
 * @param knownHosts the {@code known_hosts} file that must hold the server's host key ({@code SFTP_KNOWN_HOSTS})
 * @param path the absolute directory on the server that holds the archives ({@code SFTP_PATH})
 * @param timeout how long connecting, logging in and each request may take ({@code SFTP_TIMEOUT_SECONDS}, 30)
 */
record SftpSettings(String host, int port, String user, Optional<String> password, Optional<Path> privateKey,
        Optional<String> passphrase, Path knownHosts, String path, Duration timeout) {

    static final List<String> NAMES = List.of("SFTP_HOST", "SFTP_PORT", "SFTP_USER", "SFTP_PASSWORD",
            "SFTP_PRIVATE_KEY_FILE", "SFTP_PRIVATE_KEY_PASSPHRASE", "SFTP_KNOWN_HOSTS", "SFTP_PATH",
            "SFTP_TIMEOUT_SECONDS");
    static final List<String> SECRETS = List.of("SFTP_PASSWORD", "SFTP_PRIVATE_KEY_PASSPHRASE");

    /** The settings, or empty with one sentence per problem added to {@code problems}. */
    static Optional<SftpSettings> read(Map<String, String> environment, List<String> problems) {
        int before = problems.size();
        Settings settings = new Settings(environment, problems);
        String host = required(settings, "SFTP_HOST", "the SFTP server's name or address");
        int port = (int) settings.whole("SFTP_PORT", 22, 1, 65535, "a port from 1 to 65535");
        String user = required(settings, "SFTP_USER", "the account the controller logs in as");
        Optional<String> password = settings.text("SFTP_PASSWORD");
        Optional<Path> key = settings.text("SFTP_PRIVATE_KEY_FILE").flatMap(v -> readableFile(settings,
                "SFTP_PRIVATE_KEY_FILE", v));
        if (password.isEmpty() && settings.text("SFTP_PRIVATE_KEY_FILE").isEmpty()) {
            settings.problem("SFTP needs a way to log in: set SFTP_PRIVATE_KEY_FILE to an OpenSSH private key file,"
                    + " or SFTP_PASSWORD");
        }
        Optional<Path> knownHosts = settings.text("SFTP_KNOWN_HOSTS").map(v -> readableFile(settings,
                "SFTP_KNOWN_HOSTS", v)).orElseGet(() -> {
                    settings.problem("SFTP_KNOWN_HOSTS is empty: set it to a known_hosts file that holds the server's"
                            + " host key (ssh-keyscan -p PORT HOST > known_hosts, then check the key), so that the"
                            + " controller never sends archives to a server it cannot recognise");
                    return Optional.empty();
                });
        String path = required(settings, "SFTP_PATH", "the absolute directory on the server that receives the"
                + " archives");
        if (path != null && !path.startsWith("/")) {
            settings.invalid("SFTP_PATH", "an absolute path on the server, such as /backups", path);
        }
        long timeout = settings.whole("SFTP_TIMEOUT_SECONDS", 30, 1, 600, "a whole number of seconds from 1 to 600");
        if (problems.size() > before) {
            return Optional.empty();
        }
        return Optional.of(new SftpSettings(host, port, user, password, key,
                settings.text("SFTP_PRIVATE_KEY_PASSPHRASE"), knownHosts.orElseThrow(), path.replaceAll("/+$", ""),
                Duration.ofSeconds(timeout)));
    }

    private static String required(Settings settings, String name, String what) {
        return settings.text(name).orElseGet(() -> {
            settings.problem(name + " is empty: set it to " + what + " (BACKUP_TARGET includes sftp)");
            return null;
        });
    }

    private static Optional<Path> readableFile(Settings settings, String name, String value) {
        try {
            Path file = Path.of(value);
            if (Files.isRegularFile(file) && Files.isReadable(file)) {
                return Optional.of(file);
            }
        } catch (InvalidPathException e) {
            // Reported below.
        }
        settings.invalid(name, "a readable file", value);
        return Optional.empty();
    }

    /** {@code sftp://user@host:port/path}, for messages: never a secret. */
    String describe() {
        return "sftp://" + user + "@" + host + ":" + port + (path.isEmpty() ? "/" : path);
    }
}
