package org.pgbackup.encryption;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.exceptionfactory.jagged.x25519.X25519KeyPairGenerator;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pgbackup.compression.ArchiveForm;
import org.pgbackup.error.NoMatchingIdentityException;

class EncryptionTest {
    @TempDir
    Path dir;

    private static KeyPair keyPair() throws GeneralSecurityException {
        return new X25519KeyPairGenerator().generateKeyPair();
    }

    private Path identityFile(String name, KeyPair... keys) throws IOException {
        StringBuilder text = new StringBuilder("# created: now\n");
        for (KeyPair key : keys) {
            text.append("# public key: ").append(key.getPublic()).append('\n').append(key.getPrivate()).append('\n');
        }
        return Files.writeString(dir.resolve(name), text);
    }

    private static byte[] encrypt(Encryption encryption, byte[] plain) throws IOException {
        ByteArrayOutputStream stored = new ByteArrayOutputStream();
        try (OutputStream out = encryption.encrypting(stored)) {
            // Odd pieces, across age's 64 KiB chunks.
            for (int off = 0; off < plain.length; off += 7919) {
                out.write(plain, off, Math.min(7919, plain.length - off));
            }
        }
        return stored.toByteArray();
    }

    @Test
    void eitherRecipientsIdentityOpensWhatIsEncryptedToBoth() throws Exception {
        KeyPair alice = keyPair();
        KeyPair bob = keyPair();
        byte[] plain = new byte[300_000];
        new Random(7).nextBytes(plain);
        Encryption encryption = Encryption.age(List.of(alice.getPublic().toString(), bob.getPublic().toString()));

        byte[] stored = encrypt(encryption, plain);
        assertThat(new String(stored, 0, 21, UTF_8)).isEqualTo("age-encryption.org/v1");
        assertThat(ArchiveForm.detect(Arrays.copyOf(stored, 5))).contains(ArchiveForm.AGE_CUSTOM);
        for (KeyPair key : List.of(alice, bob)) {
            Encryption reader = Encryption.none().withIdentityFile(identityFile("id-" + key.hashCode(), key));
            assertThat(reader.decrypting(new ByteArrayInputStream(stored), "a").readAllBytes()).isEqualTo(plain);
        }
    }

    @Test
    void aFileOfSeveralIdentitiesOpensWithTheOneThatMatches() throws Exception {
        KeyPair old = keyPair();
        KeyPair current = keyPair();
        byte[] stored = Encryption.age(List.of(old.getPublic().toString())).encrypt("roles".getBytes(UTF_8));
        Encryption reader = Encryption.none().withIdentityFile(identityFile("both", current, old));
        assertThat(reader.decrypting(new ByteArrayInputStream(stored), "a").readAllBytes()).asString(UTF_8)
                .isEqualTo("roles");
    }

    @Test
    void aMissingOrWrongIdentityIsNamedWithoutAKey() throws Exception {
        KeyPair alice = keyPair();
        KeyPair mallory = keyPair();
        byte[] stored = Encryption.age(List.of(alice.getPublic().toString())).encrypt(new byte[10]);

        assertThatThrownBy(() -> Encryption.age(List.of()).decrypting(new ByteArrayInputStream(stored), "x.dump.age"))
                .isInstanceOf(NoMatchingIdentityException.class).hasMessageStartingWith("x.dump.age is encrypted")
                .hasMessageContaining("AGE_IDENTITY_FILE is not set");
        Path wrong = identityFile("wrong", mallory);
        assertThatThrownBy(() -> Encryption.none().withIdentityFile(wrong).decrypting(
                new ByteArrayInputStream(stored), "x")).isInstanceOf(NoMatchingIdentityException.class)
                .hasMessageContaining("none of its 1 identities is a recipient")
                .hasMessageNotContaining(mallory.getPrivate().toString());
    }

    @Test
    void damageAnywhereInTheCiphertextFailsTheRead() throws Exception {
        KeyPair alice = keyPair();
        byte[] stored = encrypt(Encryption.age(List.of(alice.getPublic().toString())), new byte[200_000]);
        Encryption reader = Encryption.none().withIdentityFile(identityFile("id", alice));
        byte[] flipped = stored.clone();
        flipped[stored.length - 1000] ^= 1;
        byte[] truncated = Arrays.copyOf(stored, stored.length - 100);
        for (byte[] bad : List.of(flipped, truncated)) {
            assertThatThrownBy(() -> reader.decrypting(new ByteArrayInputStream(bad), "x").readAllBytes())
                    .isInstanceOf(IOException.class);
        }
    }

    @Test
    void recipientMistakesAreReportedWithoutEchoingAKey() throws Exception {
        KeyPair alice = keyPair();
        String secret = alice.getPrivate().toString();
        List<String> problems = new ArrayList<>();
        List<String> good = AgeKeys.checkRecipients(List.of(alice.getPublic().toString(), secret, "age1nope"),
                "AGE_RECIPIENTS", problems);
        assertThat(good).containsExactly(alice.getPublic().toString());
        assertThat(problems).hasSize(2);
        assertThat(problems.get(0)).startsWith("AGE_RECIPIENTS (entry 2) holds a secret key");
        assertThat(problems.get(1)).isEqualTo("AGE_RECIPIENTS (entry 3) is not an age X25519 public key (age1..., as"
                + " 'age-keygen' prints it)");
        assertThat(String.join(" ", problems)).doesNotContain(secret).doesNotContain(secret.substring(16, 40));
    }

    @Test
    void recipientFilesAndIdentityFilesAreReadAsTheAgeToolReadsThem() throws Exception {
        KeyPair alice = keyPair();
        Path recipients = Files.writeString(dir.resolve("recipients.txt"), "# the team\n\n  "
                + alice.getPublic() + "  \n# old: age1xyz\n");
        List<String> problems = new ArrayList<>();
        assertThat(AgeKeys.readRecipientsFile(recipients, problems)).containsExactly(alice.getPublic().toString());
        AgeKeys.checkIdentityFile(identityFile("good", alice), problems);
        assertThat(problems).isEmpty();

        AgeKeys.checkIdentityFile(dir.resolve("absent"), problems);
        AgeKeys.checkIdentityFile(Files.writeString(dir.resolve("junk"), "AGE-SECRET-KEY-1NOTAKEY\n"), problems);
        AgeKeys.checkIdentityFile(Files.writeString(dir.resolve("empty"), "# nothing\n"), problems);
        assertThat(problems).containsExactly(
                "Cannot read AGE_IDENTITY_FILE " + dir.resolve("absent") + ": NoSuchFileException. Mount it readable"
                        + " by the controller's user",
                "AGE_IDENTITY_FILE " + dir.resolve("junk") + ": key 1 is not an age X25519 identity"
                        + " (AGE-SECRET-KEY-1..., as 'age-keygen' writes it)",
                "AGE_IDENTITY_FILE " + dir.resolve("empty") + " holds no identity: create one with 'age-keygen -o "
                        + dir.resolve("empty") + "'");
    }

    @Test
    void formsNameWhatIsInside() {
        assertThat(Encryption.age(List.of("k")).form(ArchiveForm.ZSTD)).isEqualTo(ArchiveForm.AGE_ZSTD);
        assertThat(Encryption.none().form(ArchiveForm.ZSTD)).isEqualTo(ArchiveForm.ZSTD);
        assertThat(ArchiveForm.AGE_ZSTD.inner()).isEqualTo(ArchiveForm.ZSTD);
        assertThat(ArchiveForm.ofFileName("file_daily_2025-07-04T09:00:00Z.dump.zst.age")).contains(ArchiveForm.AGE_ZSTD);
        assertThat(ArchiveForm.ofFileName("file_daily_2025-07-04T09:00:00Z.dump.age")).contains(ArchiveForm.AGE_CUSTOM);
        assertThat(org.pgbackup.naming.BackupName.parse("file_daily_2025-07-04T09:00:00Z.dump.zst.age"))
                .hasValueSatisfying(n -> assertThat(n.form()).isEqualTo(ArchiveForm.AGE_ZSTD));
        assertThat(org.pgbackup.naming.Sidecar.ROLES.of("f.dump.zst.age")).isEqualTo("f.dump.zst.age.roles.sql.age");
        assertThat(org.pgbackup.naming.Sidecar.ROLES.of("f.dump.zst")).isEqualTo("f.dump.zst.roles.sql");
    }
}
