package org.pgbackup.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An age key pair made by the stock {@code age-keygen}: the identity file and its public key.
 *
 * @param identityFile the file {@code age-keygen -o} wrote, mode 0600
 * @param publicKey its {@code age1...} recipient
 */
public record AgeKey(Path identityFile, String publicKey) {

    /** Runs {@code age-keygen -o file}; fails the test when it cannot. */
    public static AgeKey generate(Path file) throws IOException {
        Exec.run(new ProcessBuilder("age-keygen", "-o", file.toString()), null).requireSuccess("age-keygen");
        String publicKey = Files.readAllLines(file).stream().filter(l -> l.startsWith("# public key: "))
                .map(l -> l.substring("# public key: ".length()).strip()).findFirst().orElseThrow();
        return new AgeKey(file, publicKey);
    }
}
