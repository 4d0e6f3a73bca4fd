package org.pgbackup.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.pgbackup.storage.s3.S3ProxyServer;

/**
 * {@code BACKUP_ENCRYPTION=age} end to end: archives only the holder of an identity reads,
 * made with public keys alone, restorable by either of two recipients and by hand with
 * the stock {@code age}, refused before the database is touched when the key is wrong or
 * the ciphertext damaged.
 */
class EncryptionIT {
    private static final String BUCKET = "encrypted";

    @RegisterExtension
    static ClusterExtension app = new ClusterExtension("app", "rolf_secret_owner", "rolf-pw", "app", 400);
    @RegisterExtension
    static S3Extension bucket = new S3Extension(BUCKET);
    static ControllerProcess controller = ControllerProcess.fromSystemProperty();

    @TempDir
    Path root;
    private AgeKey alice;
    private AgeKey bob;
    private final String prefix = "enc-" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeEach
    void keys() throws IOException {
        alice = AgeKey.generate(root.resolve("alice.txt"));
        bob = AgeKey.generate(root.resolve("bob.txt"));
    }

    private Map<String, String> env(AgeKey... recipients) {
        Map<String, String> env = app.env(root.resolve("backup"));
        env.put("BACKUP_ENCRYPTION", "age");
        env.put("AGE_RECIPIENTS", String.join(",", java.util.Arrays.stream(recipients).map(AgeKey::publicKey)
                .toList()));
        return env;
    }

    private String dump(Map<String, String> env, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("dump", "app"));
        args.addAll(List.of(more));
        String out = controller.ok(env, args.toArray(String[]::new)).stdout();
        return out.substring(out.indexOf("file_"), out.indexOf(" ("));
    }

    private Path data(String file) {
        return root.resolve("backup/data/app").resolve(file);
    }

    private static void assertHoldsNothingReadable(String what, byte[] bytes) {
        String text = new String(bytes, UTF_8);
        assertThat(text).as(what).startsWith("age-encryption.org/v1").doesNotContain("example.com")
                .doesNotContain("ünïcødé").doesNotContain("rolf_secret_owner").doesNotContain("customers");
    }

    @Test
    void twoRecipientsEitherIdentityRestoresAndNoStoredCopyIsReadable() throws IOException {
        S3ProxyServer s3 = bucket.server();
        Map<String, String> env = env(alice, bob);
        env.putAll(s3.environment(BUCKET, prefix));
        env.put("BACKUP_TARGET", "local,s3");
        String before = SampleData.fingerprint(app.cluster());
        String archive = dump(env, "--shared");

        assertThat(archive).endsWith(".dump.zst.age");
        assertHoldsNothingReadable("archive", Files.readAllBytes(data(archive)));
        assertHoldsNothingReadable("roles", Files.readAllBytes(data(archive + ".roles.sql.age")));
        assertHoldsNothingReadable("shared copy", Files.readAllBytes(root.resolve("backup/shared/app/file.dump.zst.age")));
        try (InputStream in = s3.blobStore().getBlob(BUCKET, prefix + "/app/" + archive).getPayload().openStream()) {
            assertHoldsNothingReadable("S3 object", in.readAllBytes());
        }
        String manifest = Files.readString(data(archive + ".manifest.json"));
        assertThat(manifest).contains("\"encryption\" : \"age\"").contains(alice.publicKey()).contains(bob.publicKey())
                .doesNotContain("AGE-SECRET-KEY");
        assertThat(controller.ok(env, "list", "--long", "app").stdout()).contains("encrypted (age, 2 recipients)");

        for (AgeKey key : List.of(alice, bob)) {
            SampleData.damage(app.cluster());
            env.put("AGE_IDENTITY_FILE", key.identityFile().toString());
            controller.ok(env, "restore", "--with-roles", "app", archive);
            assertThat(SampleData.fingerprint(app.cluster())).as("restored with " + key.identityFile()).isEqualTo(before);
        }
        SampleData.damage(app.cluster());
        controller.ok(env, "restore-from-shared", "app");
        assertThat(SampleData.fingerprint(app.cluster())).isEqualTo(before);

        // Parallel jobs need a decrypted local copy: private while it lasts, gone afterwards.
        SampleData.damage(app.cluster());
        controller.ok(env, "restore", "--jobs", "2", "app", archive);
        assertThat(SampleData.fingerprint(app.cluster())).isEqualTo(before);
        assertThat(Trees.names(root.resolve("backup/data/app/.pgbackup/restore-tmp"))).isEmpty();
    }

    @Test
    void verifyWithoutAKeyChecksTheDigestAndSaysTheContentWasNotRead() throws IOException {
        Map<String, String> env = env(alice);
        String archive = dump(env);

        ControllerProcess.Run blind = controller.ok(env, "verify", "app", archive);
        String stored = Sha256Sum.of(data(archive));
        assertThat(blind.stdout()).contains(": ok (sha256 " + stored).contains("its content was not read");

        env.put("AGE_IDENTITY_FILE", alice.identityFile().toString());
        ControllerProcess.Run full = controller.ok(env, "verify", "app", archive);
        assertThat(full.stdout()).contains(": ok (sha256 " + stored).doesNotContain("not read");

        env.remove("AGE_IDENTITY_FILE");
        flipOneByte(data(archive));
        ControllerProcess.Run damaged = controller.run(env, "verify", "app", archive);
        assertThat(damaged.exitCode()).isEqualTo(1);
        assertThat(damaged.stdout()).contains("FAILED").contains("corrupt");
    }

    private static void flipOneByte(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 0x20;
        Files.write(file, bytes);
    }

    @Test
    void corruptOrTruncatedCiphertextIsRefusedAsCorruptAndTheDatabaseIsUntouched() throws IOException {
        Map<String, String> env = env(alice);
        env.put("AGE_IDENTITY_FILE", alice.identityFile().toString());
        String archive = dump(env);
        SampleData.damage(app.cluster());
        String damaged = SampleData.fingerprint(app.cluster());

        flipOneByte(data(archive));
        ControllerProcess.Run flipped = controller.run(env, "restore", "app", archive);
        assertThat(flipped.exitCode()).as(flipped.toString()).isEqualTo(1);
        assertThat(flipped.stderr()).contains("is corrupt").contains("nothing was restored");
        ControllerProcess.Run verify = controller.run(env, "verify", "app", archive);
        assertThat(verify.exitCode()).isEqualTo(1);
        assertThat(verify.stdout()).contains("corrupt");

        byte[] bytes = Files.readAllBytes(data(archive));
        Files.write(data(archive), java.util.Arrays.copyOf(bytes, bytes.length - 100));
        ControllerProcess.Run truncated = controller.run(env, "restore", "app", archive);
        assertThat(truncated.exitCode()).isEqualTo(1);
        assertThat(truncated.stderr()).contains("is corrupt");

        // Without a manifest to compare with, the decryption itself finds the damage.
        Files.delete(data(archive + ".manifest.json"));
        ControllerProcess.Run forced = controller.run(env, "restore", "--force", "app", archive);
        assertThat(forced.exitCode()).isEqualTo(1);
        assertThat(forced.stderr()).contains("is corrupt").contains("cannot be decrypted");
        assertThat(SampleData.fingerprint(app.cluster())).isEqualTo(damaged);
    }

    @Test
    void aWrongOrMissingIdentityIsRefusedBeforeTheDatabaseIsTouched() throws IOException {
        Map<String, String> env = env(alice);
        String archive = dump(env);
        SampleData.damage(app.cluster());
        String damaged = SampleData.fingerprint(app.cluster());

        ControllerProcess.Run none = controller.run(env, "restore", "app", archive);
        assertThat(none.exitCode()).isEqualTo(1);
        assertThat(none.stderr()).contains("AGE_IDENTITY_FILE is not set");

        // An identity that matches no recipient of this archive: an archive encrypted to another key.
        env.put("AGE_IDENTITY_FILE", bob.identityFile().toString());
        ControllerProcess.Run wrong = controller.run(env, "restore", "app", archive);
        assertThat(wrong.exitCode()).as(wrong.toString()).isEqualTo(1);
        assertThat(wrong.stderr()).contains("none of its 1 identities is a recipient").doesNotContain("AGE-SECRET");
        assertThat(SampleData.fingerprint(app.cluster())).isEqualTo(damaged);

        // Rotation: a file with the new key and the old one opens the old archive.
        Path both = root.resolve("both.txt");
        Files.writeString(both, Files.readString(bob.identityFile()) + Files.readString(alice.identityFile()));
        Files.setPosixFilePermissions(both, PosixFilePermissions.fromString("rw-r--r--"));
        env.put("AGE_IDENTITY_FILE", both.toString());
        ControllerProcess.Run rotated = controller.ok(env, "restore", "app", archive);
        assertThat(rotated.stderr()).as("a warning for an identity file others can read")
                .contains("can be read by others (mode rw-r--r--)");
    }

    @Test
    void keyMistakesAreConfigurationErrorsThatNeverEchoAKey() throws IOException {
        String secret = Files.readAllLines(alice.identityFile()).stream().filter(l -> l.startsWith("AGE-SECRET-KEY"))
                .findFirst().orElseThrow();
        Map<String, String> env = env(alice);
        env.put("AGE_RECIPIENTS", bob.publicKey() + "," + secret);
        ControllerProcess.Run pasted = controller.run(env, "dump", "app");
        assertThat(pasted.exitCode()).isEqualTo(2);
        assertThat(pasted.stderr()).contains("AGE_RECIPIENTS (entry 2) holds a secret key").doesNotContain(secret)
                .doesNotContain(secret.substring(20, 40));

        env.put("AGE_RECIPIENTS", "age1notakey");
        ControllerProcess.Run malformed = controller.run(env, "dump", "app");
        assertThat(malformed.exitCode()).isEqualTo(2);
        assertThat(malformed.stderr()).contains("AGE_RECIPIENTS (entry 1) is not an age X25519 public key");

        env.remove("AGE_RECIPIENTS");
        ControllerProcess.Run noRecipient = controller.run(env, "dump", "app");
        assertThat(noRecipient.exitCode()).isEqualTo(2);
        assertThat(noRecipient.stderr()).contains("BACKUP_ENCRYPTION=age needs a recipient");

        env.put("AGE_RECIPIENTS", alice.publicKey());
        env.put("AGE_IDENTITY_FILE", root.resolve("missing.txt").toString());
        ControllerProcess.Run unreadable = controller.run(env, "list", "app");
        assertThat(unreadable.exitCode()).isEqualTo(2);
        assertThat(unreadable.stderr()).contains("Cannot read AGE_IDENTITY_FILE");
        assertThat(Files.exists(root.resolve("backup/data/app"))).as("nothing written").isFalse();
    }

    @Test
    void archivesMadeBeforeEncryptionKeepRestoringAndAgeEncryptedDumpsRestore() throws IOException {
        Map<String, String> plain = app.env(root.resolve("backup"));
        String before = SampleData.fingerprint(app.cluster());
        String old = dump(plain);
        assertThat(old).endsWith(".dump.zst");

        Map<String, String> env = env(alice);
        env.put("AGE_IDENTITY_FILE", alice.identityFile().toString());
        SampleData.damage(app.cluster());
        controller.ok(env, "restore", "app", old);
        assertThat(SampleData.fingerprint(app.cluster())).isEqualTo(before);

        // The reverse of restoring by hand: pg_dump's output encrypted by the age tool.
        String byHand = "file_weekly_2020-01-06T00:00:00Z.dump.age";
        PgCluster cluster = app.cluster();
        ProcessBuilder shell = new ProcessBuilder("bash", "-euo", "pipefail", "-c", "pg_dump --format=custom"
                + " | age -r \"$RECIPIENT\" > \"$OUT\"");
        shell.environment().putAll(cluster.shellEnvironment());
        shell.environment().put("RECIPIENT", alice.publicKey());
        shell.environment().put("OUT", data(byHand).toString());
        Exec.run(shell, "").requireSuccess("pg_dump | age");
        SampleData.damage(app.cluster());
        controller.ok(env, "restore", "--force", "app", byHand);
        assertThat(SampleData.fingerprint(app.cluster())).isEqualTo(before);
    }

    @Test
    void theDocumentedAgeCommandsRestoreAnArchiveTheControllerMade() throws IOException {
        PgCluster cluster = app.cluster();
        String before = SampleData.fingerprint(cluster);
        String archive = dump(env(alice));
        SampleData.damage(cluster);
        Path work = Files.createDirectories(root.resolve("by-hand"));
        Files.copy(alice.identityFile(), work.resolve("key.txt"));

        ProcessBuilder shell = new ProcessBuilder("bash", "-euo", "pipefail", "-c",
                ManualRestoreIT.documentedCommands("age"));
        shell.directory(work.toFile());
        Map<String, String> shellEnv = shell.environment();
        shellEnv.putAll(cluster.shellEnvironment());
        shellEnv.put("ARCHIVE", data(archive).toString());
        Exec.Result result = Exec.run(shell, "");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(SampleData.fingerprint(cluster)).isEqualTo(before);
    }
}
