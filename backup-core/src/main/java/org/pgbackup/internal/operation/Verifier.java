package org.pgbackup.internal.operation;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.pgbackup.compression.ArchiveForm;
import org.pgbackup.config.TableSelection;
import org.pgbackup.controller.VerifyResult;
import org.pgbackup.encryption.Encryption;
import org.pgbackup.error.ArchiveCorruptException;
import org.pgbackup.error.MisnamedArchiveException;
import org.pgbackup.error.NoMatchingIdentityException;
import org.pgbackup.internal.postgres.PgRestore;
import org.pgbackup.internal.process.ProcessResult;
import org.pgbackup.manifest.Manifest;
import org.pgbackup.naming.Sidecar;
import org.pgbackup.spi.Storage;

/**
 * Checks archives against their manifests: cheaply (the checksum before a restore) or in
 * full (checksum, size and a complete read by {@code pg_restore}, in one pass).
 */
public final class Verifier {
    private static final int BUFFER = 256 * 1024;

    private final Path pgRestore;
    private final Duration timeout;
    private final Encryption encryption;

    /** @param pgRestore the newest installed {@code pg_restore}, which reads every older archive */
    Verifier(Path pgRestore, Duration timeout, Encryption encryption) {
        this.pgRestore = pgRestore;
        this.timeout = timeout;
        this.encryption = encryption;
    }

    /** An archive's manifest, or empty if it has none or an unreadable one. */
    static Optional<Manifest> manifest(Storage storage, String service, String archive) {
        try (InputStream in = storage.open(service, Sidecar.MANIFEST.of(archive))) {
            return Manifest.parse(in.readAllBytes());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Reads an archive in full: its checksum and size against the manifest, and
     * {@code pg_restore} reading every block to nowhere.
     */
    VerifyResult verify(String destination, Storage storage, String service, String archive, Progress progress) {
        Optional<Manifest> manifest = manifest(storage, service, archive);
        if (manifest.isEmpty()) {
            return VerifyResult.failed(destination, archive, "no readable manifest: the archive is incomplete",
                    manifest);
        }
        ArchiveDigest digest = new ArchiveDigest();
        if (named(archive).encrypted() && encryption.identityFile().isEmpty()) {
            return checkDigestOnly(destination, storage, service, archive, manifest.get(), digest, progress);
        }
        List<String> unreadable = new ArrayList<>();
        ProcessResult read;
        try {
            read = PgRestore.readToNowhere(progress.runner(), pgRestore, stdin -> {
                try (BufferedInputStream in = new BufferedInputStream(digest.reading(
                        progress.counting(storage.open(service, archive))), BUFFER)) {
                    Optional<ArchiveForm> form = ArchiveForm.peek(in);
                    if (ArchiveForm.mismatch(archive, form).isEmpty()) {
                        try {
                            encryption.open(effective(archive, form.orElseThrow()), in, archive).transferTo(stdin);
                        } catch (IOException | NoMatchingIdentityException e) {
                            unreadable.add(e.getMessage());
                        }
                    }
                    // To the end whatever happened, so that the checksum covers every stored byte.
                    in.transferTo(OutputStream.nullOutputStream());
                }
            }, timeout);
        } catch (IOException e) {
            return VerifyResult.failed(destination, archive, "cannot be read: " + e.getMessage(), manifest);
        }
        Optional<String> mismatch = mismatch(manifest.get(), digest).map(why -> why + ": the archive is corrupt")
                .or(() -> ArchiveForm.mismatch(archive, digest.form()))
                .or(() -> unreadable.stream().findFirst().map(why -> "cannot be "
                        + (named(archive).encrypted() ? "decrypted and " : "") + "decompressed to the end: " + why));
        if (mismatch.isPresent()) {
            return VerifyResult.failed(destination, archive, mismatch.get(), manifest);
        }
        if (!read.succeeded()) {
            return VerifyResult.failed(destination, archive, "pg_restore could not read it to the end: "
                    + read.failure(), manifest);
        }
        return VerifyResult.passed(destination, archive, manifest.get());
    }

    /** Without an identity an encrypted archive's content is out of reach: its stored bytes are checked. */
    private static VerifyResult checkDigestOnly(String destination, Storage storage, String service, String archive,
            Manifest manifest, ArchiveDigest digest, Progress progress) {
        try (InputStream in = digest.reading(progress.counting(storage.open(service, archive)))) {
            in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            return VerifyResult.failed(destination, archive, "cannot be read: " + e.getMessage(), Optional.of(manifest));
        }
        Optional<String> mismatch = mismatch(manifest, digest).map(why -> why + ": the archive is corrupt")
                .or(() -> ArchiveForm.mismatch(archive, digest.form()));
        return mismatch.map(why -> VerifyResult.failed(destination, archive, why, Optional.of(manifest)))
                .orElseGet(() -> VerifyResult.digestOnly(destination, archive, manifest));
    }

    /** The form an archive's name says, plain custom format when it says none. */
    private static ArchiveForm named(String archive) {
        return ArchiveForm.ofFileName(archive).orElse(ArchiveForm.CUSTOM);
    }

    /**
     * The form to open a file in: what its bytes show, except that an age file's bytes show
     * only that it is age, so what is inside comes from its name.
     */
    private static ArchiveForm effective(String archive, ArchiveForm detected) {
        return detected.encrypted() ? named(archive).encryptedForm() : detected;
    }

    /**
     * Checks an archive's bytes against its manifest, and its form against its name, before
     * a restore touches the database.
     *
     * @param force whether an archive without a manifest may pass; its bytes are then only
     *     checked to begin as an archive does
     * @return the archive's form, which says how to unwrap it, its size and checksum
     * @throws ArchiveCorruptException naming what does not match
     * @throws MisnamedArchiveException if the bytes are not what the name says
     */
    CheckedArchive checkBeforeRestore(Storage storage, String service, String archive, boolean force,
            Progress progress) {
        Optional<Manifest> manifest = manifest(storage, service, archive);
        if (manifest.isEmpty() && !force) {
            throw new ArchiveCorruptException(archive + " of service '" + service + "' in " + storage.describe()
                    + " has no readable manifest, so it may be incomplete; nothing was restored. Pick another"
                    + " archive, or add --force to restore it anyway");
        }
        ArchiveDigest digest = new ArchiveDigest();
        Optional<String> undecryptable = Optional.empty();
        try (InputStream in = digest.reading(progress.counting(storage.open(service, archive)))) {
            if (named(archive).encrypted()) {
                // Decrypted to the end before the database is touched: the key must match and
                // every chunk must authenticate, or nothing is restored.
                try {
                    encryption.decrypting(in, archive + " of service '" + service + "'")
                            .transferTo(OutputStream.nullOutputStream());
                } catch (IOException e) {
                    undecryptable = Optional.of("it cannot be decrypted to the end: " + e.getMessage());
                }
            }
            in.transferTo(OutputStream.nullOutputStream());
        } catch (NoSuchFileException e) {
            throw new org.pgbackup.error.ArchiveNotFoundException(archive + " of service '" + service
                    + "' disappeared from " + storage.describe() + " before it could be read");
        } catch (IOException e) {
            throw new org.pgbackup.error.StorageException("Cannot read " + archive + " of service '" + service
                    + "' from " + storage.describe() + ": " + e.getMessage(), e);
        }
        Optional<String> decryption = undecryptable;
        Optional<String> mismatch = manifest.flatMap(m -> mismatch(m, digest)).or(() -> decryption);
        if (mismatch.isPresent()) {
            throw new ArchiveCorruptException(archive + " of service '" + service + "' in " + storage.describe()
                    + " is corrupt (" + mismatch.get() + "); nothing was restored. Pick another archive");
        }
        Optional<String> misnamed = ArchiveForm.mismatch(archive, digest.form());
        if (misnamed.isPresent()) {
            throw new MisnamedArchiveException(archive + " of service '" + service + "' in " + storage.describe()
                    + " was refused: " + misnamed.get() + "; nothing was restored");
        }
        return new CheckedArchive(effective(archive, digest.form().orElseThrow()), digest.size(), digest.sha256(),
                manifest.isPresent(), manifest.map(Manifest::tables).orElse(TableSelection.all()),
                manifest.flatMap(Manifest::owner));
    }

    /**
     * An archive that passed the check before a restore, the part of the database it holds,
     * and its database's owner when a whole-server run recorded it.
     */
    record CheckedArchive(ArchiveForm form, long size, String sha256, boolean hadManifest, TableSelection tables,
            Optional<String> owner) {
    }

    /** How the bytes read differ from what the manifest says: size first, then SHA-256; empty when they match. */
    static Optional<String> mismatch(Manifest manifest, ArchiveDigest digest) {
        long size = digest.size();
        String sha = digest.sha256();
        if (size != manifest.size()) {
            return Optional.of("size " + size + " bytes, the manifest says " + manifest.size());
        }
        if (!sha.equals(manifest.sha256())) {
            return Optional.of("SHA-256 " + sha + ", the manifest says " + manifest.sha256());
        }
        return Optional.empty();
    }
}
