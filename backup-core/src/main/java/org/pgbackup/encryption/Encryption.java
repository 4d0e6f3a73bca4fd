package org.pgbackup.encryption;

import static java.util.Objects.requireNonNull;

import com.exceptionfactory.jagged.RecipientStanzaReader;
import com.exceptionfactory.jagged.RecipientStanzaWriter;
import com.exceptionfactory.jagged.framework.stream.StandardDecryptingChannelFactory;
import com.exceptionfactory.jagged.framework.stream.StandardEncryptingChannelFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Optional;
import org.pgbackup.compression.ArchiveForm;
import org.pgbackup.error.NoMatchingIdentityException;

/**
 * Whether new archives are encrypted with age, to which recipients, and where the
 * identities that open encrypted archives are. Only public keys are held; identities are
 * read from their file each time an archive is opened, and never kept. The format is
 * age's own (jagged writes and reads it), so the stock {@code age -d} opens every archive.
 *
 * <p>Immutable, and so safe to share between threads.
 */
public final class Encryption {
    private static final Encryption NONE = new Encryption(false, List.of(), Optional.empty());

    private final boolean encrypts;
    private final List<String> recipients;
    private final Optional<Path> identityFile;

    private Encryption(boolean encrypts, List<String> recipients, Optional<Path> identityFile) {
        this.encrypts = encrypts;
        this.recipients = List.copyOf(recipients);
        this.identityFile = identityFile;
    }

    /** New archives in plaintext ({@code BACKUP_ENCRYPTION=none}, the default). */
    public static Encryption none() {
        return NONE;
    }

    /**
     * New archives encrypted to these recipients ({@code BACKUP_ENCRYPTION=age}); any one of
     * their identities opens them.
     *
     * @param recipients {@code age1...} X25519 public keys
     */
    public static Encryption age(List<String> recipients) {
        return new Encryption(true, recipients, Optional.empty());
    }

    /** The same, with the identity file ({@code AGE_IDENTITY_FILE}) that opens encrypted archives. */
    public Encryption withIdentityFile(Path file) {
        return new Encryption(encrypts, recipients, Optional.of(requireNonNull(file, "file is null")));
    }

    /** Whether new archives are encrypted. */
    public boolean encryptsNewArchives() {
        return encrypts;
    }

    /** The recipients' public keys, as the manifest records them. */
    public List<String> recipients() {
        return recipients;
    }

    /** Where the identities are, when a restore or verify may need them. */
    public Optional<Path> identityFile() {
        return identityFile;
    }

    /** The form a new archive takes: the compressed form, encrypted when this encrypts. */
    public ArchiveForm form(ArchiveForm compressed) {
        return encrypts ? compressed.encryptedForm() : compressed;
    }

    /**
     * Checks the keys: at least one well-formed recipient when encrypting, and a readable
     * identity file of well-formed identities when one is named.
     *
     * @param problems receives one sentence per problem, never a key
     */
    public void check(List<String> problems) {
        if (encrypts) {
            if (recipients.isEmpty()) {
                problems.add("BACKUP_ENCRYPTION=age needs a recipient: set AGE_RECIPIENTS to age1... public keys, or"
                        + " AGE_RECIPIENTS_FILE to a file of them");
            }
            AgeKeys.checkRecipients(recipients, "AGE_RECIPIENTS", problems);
        }
        identityFile.ifPresent(file -> AgeKeys.checkIdentityFile(file, problems));
    }

    /** {@code age} or {@code none}, as the manifest says it. */
    @Override
    public String toString() {
        return encrypts ? "age" : "none";
    }

    /**
     * A stream that encrypts what is written to {@code out}, or {@code out} itself when this
     * does not encrypt. Closing it writes the last chunk and closes {@code out}.
     */
    public OutputStream encrypting(OutputStream out) throws IOException {
        if (!encrypts) {
            return out;
        }
        List<RecipientStanzaWriter> writers = recipients.stream().map(AgeKeys::recipient).toList();
        try {
            return Channels.newOutputStream(new StandardEncryptingChannelFactory().newEncryptingChannel(
                    new StreamChannel(out), writers));
        } catch (GeneralSecurityException e) {
            throw new IOException("Cannot start age encryption: " + e.getMessage(), e);
        }
    }

    /** Bytes encrypted, or the same bytes when this does not encrypt. */
    public byte[] encrypt(byte[] plain) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream sink = encrypting(out)) {
            sink.write(plain);
        }
        return out.toByteArray();
    }

    /**
     * The plaintext of an age file, read with the identities of {@link #identityFile()}. A
     * damaged or truncated file fails while it is read, as an {@link IOException}.
     *
     * @param what the file, for messages, such as {@code file_daily_....dump.zst.age of service 'users'}
     * @throws NoMatchingIdentityException if there is no identity file, or none of its keys opens the file
     */
    public InputStream decrypting(InputStream stored, String what) throws IOException {
        Path file = identityFile.orElseThrow(() -> new NoMatchingIdentityException(what + " is encrypted with age"
                + " and AGE_IDENTITY_FILE is not set: mount an identity file it was encrypted to and set"
                + " AGE_IDENTITY_FILE"));
        List<RecipientStanzaReader> identities;
        try {
            identities = AgeKeys.identities(file);
        } catch (AgeKeys.IdentityFileException e) {
            throw new NoMatchingIdentityException(e.getMessage());
        }
        try {
            return Channels.newInputStream(new StandardDecryptingChannelFactory().newDecryptingChannel(
                    Channels.newChannel(stored), identities));
        } catch (GeneralSecurityException e) {
            throw new NoMatchingIdentityException(what + " cannot be opened with AGE_IDENTITY_FILE " + file
                    + ": none of its " + identities.size() + " identities is a recipient of the archive. Use the"
                    + " identity file whose public key was in AGE_RECIPIENTS when it was made");
        }
    }

    /**
     * The custom-format archive inside a stored file of any form: decrypted when the form
     * is encrypted, then unwrapped.
     */
    public InputStream open(ArchiveForm form, InputStream stored, String what) throws IOException {
        return form.encrypted() ? form.inner().unwrap(decrypting(stored, what)) : form.unwrap(stored);
    }

    /** Large writes straight into the stream: the JDK's adapter would cut them into 8 KiB pieces. */
    private static final class StreamChannel implements WritableByteChannel {
        private final OutputStream out;
        private boolean open = true;

        StreamChannel(OutputStream out) {
            this.out = out;
        }

        @Override
        public int write(ByteBuffer buffer) throws IOException {
            int n = buffer.remaining();
            if (buffer.hasArray()) {
                out.write(buffer.array(), buffer.arrayOffset() + buffer.position(), n);
                buffer.position(buffer.limit());
            } else {
                byte[] copy = new byte[n];
                buffer.get(copy);
                out.write(copy);
            }
            return n;
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public void close() throws IOException {
            open = false;
            out.close();
        }
    }
}
