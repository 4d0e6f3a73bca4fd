package org.pgbackup.storage.sftp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.NoSuchFileException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.keyverifier.KnownHostsServerKeyVerifier;
import org.apache.sshd.client.keyverifier.RejectAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHPosixRenameExtension;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;
import org.pgbackup.spi.AbstractPendingObject;
import org.pgbackup.spi.PendingObject;
import org.pgbackup.spi.Storage;
import org.pgbackup.spi.StoredObject;

/**
 * A directory on an SFTP server: the object {@code name} of {@code service} is
 * {@code $SFTP_PATH/<service>/<name>}. A write goes to a hidden temporary file beside it,
 * streamed as it is written, and an atomic rename ({@code posix-rename@openssh.com}) publishes
 * it. One SSH connection, opened by the first operation and again after it drops, carries
 * a channel per operation.
 *
 * <p>Thread-safe: each operation and each write has an SFTP channel of its own.
 */
final class SftpStorage implements Storage {
    private static final String TEMPORARY = ".tmp-";

    private final SftpSettings settings;
    private SshClient client;
    private ClientSession session;

    SftpStorage(SftpSettings settings) {
        this.settings = settings;
    }

    @Override
    public String describe() {
        return settings.describe();
    }

    /** The connection, opened and logged in on first use and after it dropped. */
    private synchronized ClientSession session() throws IOException {
        if (session != null && session.isOpen() && session.isAuthenticated()) {
            return session;
        }
        if (session != null) {
            session.close(true);
        }
        if (client == null) {
            client = SshClient.setUpDefaultClient();
            // Only a server whose key is in SFTP_KNOWN_HOSTS: never a new or changed key.
            client.setServerKeyVerifier(new KnownHostsServerKeyVerifier(RejectAllServerKeyVerifier.INSTANCE,
                    settings.knownHosts()));
            CoreModuleProperties.IDLE_TIMEOUT.set(client, settings.timeout().multipliedBy(20));
            client.start();
        }
        ClientSession opened = client.connect(settings.user(), settings.host(), settings.port())
                .verify(settings.timeout()).getSession();
        try {
            settings.password().ifPresent(opened::addPasswordIdentity);
            if (settings.privateKey().isPresent()) {
                for (KeyPair key : keys(opened)) {
                    opened.addPublicKeyIdentity(key);
                }
            }
            opened.auth().verify(settings.timeout());
        } catch (IOException | RuntimeException e) {
            opened.close(true);
            throw e;
        }
        session = opened;
        return session;
    }

    private Iterable<KeyPair> keys(ClientSession opened) throws IOException {
        try (InputStream in = java.nio.file.Files.newInputStream(settings.privateKey().orElseThrow())) {
            return SecurityUtils.loadKeyPairIdentities(opened, NamedResource.ofName(settings.privateKey().get()
                    .toString()), in, FilePasswordProvider.of(settings.passphrase().orElse(null)));
        } catch (GeneralSecurityException e) {
            throw new IOException("Cannot read the key " + settings.privateKey().get() + " (SFTP_PRIVATE_KEY_FILE): "
                    + e.getMessage(), e);
        }
    }

    private SftpClient channel(String what) throws IOException {
        try {
            return SftpClientFactory.instance().createSftpClient(session());
        } catch (IOException e) {
            throw failed(what, e);
        }
    }

    private IOException failed(String what, Exception e) {
        return new IOException(what + " failed (" + describe() + "): " + (e.getMessage() == null ? e.toString()
                : e.getMessage()), e);
    }

    private String directory(String service) {
        return settings.path() + "/" + service;
    }

    private static boolean missing(IOException e) {
        return e instanceof SftpException sftp && sftp.getStatus() == SftpConstants.SSH_FX_NO_SUCH_FILE;
    }

    @Override
    public PendingObject create(String service, String name) throws IOException {
        Storage.checkNames(service, name);
        String dir = directory(service);
        String target = dir + "/" + name;
        String temp = dir + "/" + TEMPORARY + name + "-" + UUID.randomUUID();
        SftpClient sftp = channel("writing " + target);
        OutputStream out;
        try {
            makeDirectories(sftp, dir);
            out = sftp.write(temp);
        } catch (IOException e) {
            sftp.close();
            throw failed("writing " + target, e);
        }
        return new AbstractPendingObject() {
            @Override
            public OutputStream output() {
                return out;
            }

            @Override
            protected void publish() throws IOException {
                try {
                    out.close();
                    rename(sftp, temp, target);
                } catch (IOException e) {
                    throw failed("storing " + target, e);
                } finally {
                    discard();
                }
            }

            @Override
            protected void discard() {
                try {
                    out.close();
                } catch (IOException e) {
                    // The temporary file goes below, or with removeStale.
                }
                try {
                    sftp.remove(temp);
                } catch (IOException e) {
                    // Published already, or the connection is gone: removeStale finds what stays.
                }
                try {
                    sftp.close();
                } catch (IOException e) {
                    // The channel goes with the connection.
                }
            }
        };
    }

    /** Replaces {@code target} atomically where the server can, as OpenSSH's can. */
    private static void rename(SftpClient sftp, String temp, String target) throws IOException {
        OpenSSHPosixRenameExtension posix = sftp.getExtension(OpenSSHPosixRenameExtension.class);
        if (posix != null && posix.isSupported()) {
            posix.posixRename(temp, target);
            return;
        }
        // SFTP version 3 without the extension cannot replace: the old object goes first.
        try {
            sftp.remove(target);
        } catch (IOException e) {
            if (!missing(e)) {
                throw e;
            }
        }
        sftp.rename(temp, target);
    }

    private void makeDirectories(SftpClient sftp, String dir) throws IOException {
        StringBuilder path = new StringBuilder();
        for (String part : dir.substring(1).split("/")) {
            path.append('/').append(part);
            try {
                if (sftp.stat(path.toString()).isDirectory()) {
                    continue;
                }
            } catch (IOException e) {
                if (!missing(e)) {
                    throw e;
                }
            }
            try {
                sftp.mkdir(path.toString());
            } catch (IOException e) {
                // Another thread made it meanwhile; otherwise the write below says why.
            }
        }
    }

    @Override
    public InputStream open(String service, String name) throws IOException {
        Storage.checkNames(service, name);
        String file = directory(service) + "/" + name;
        SftpClient sftp = channel("reading " + file);
        try {
            InputStream in = sftp.read(file);
            return new java.io.FilterInputStream(in) {
                @Override
                public void close() throws IOException {
                    try {
                        super.close();
                    } finally {
                        sftp.close();
                    }
                }
            };
        } catch (IOException e) {
            sftp.close();
            if (missing(e)) {
                throw new NoSuchFileException(file, null, "no such archive in " + describe());
            }
            throw failed("reading " + file, e);
        }
    }

    @Override
    public List<StoredObject> list(String service) throws IOException {
        Storage.checkNames(service, null);
        List<StoredObject> objects = new ArrayList<>();
        for (SftpClient.DirEntry entry : entries(service)) {
            SftpClient.Attributes attributes = entry.getAttributes();
            if (attributes.isRegularFile() && !entry.getFilename().startsWith(".")) {
                objects.add(new StoredObject(entry.getFilename(), attributes.getSize(),
                        attributes.getModifyTime().toInstant()));
            }
        }
        objects.sort(Comparator.comparing(StoredObject::name));
        return objects;
    }

    @Override
    public List<String> directories(String service) throws IOException {
        Storage.checkNames(service, null);
        List<String> names = new ArrayList<>();
        for (SftpClient.DirEntry entry : entries(service)) {
            String name = entry.getFilename();
            if (entry.getAttributes().isDirectory() && !name.startsWith(".")
                    && !list(service + "/" + name).isEmpty()) {
                names.add(name);
            }
        }
        names.sort(null);
        return names;
    }

    /** The entries of a service's directory; none when it does not exist. */
    private List<SftpClient.DirEntry> entries(String service) throws IOException {
        String dir = directory(service);
        try (SftpClient sftp = channel("listing " + dir)) {
            List<SftpClient.DirEntry> entries = new ArrayList<>();
            try {
                for (SftpClient.DirEntry entry : sftp.readDir(dir)) {
                    entries.add(entry);
                }
            } catch (java.io.UncheckedIOException e) {
                // The listing's iterator wraps what the server said.
                throw e.getCause();
            }
            return entries;
        } catch (IOException e) {
            if (missing(e)) {
                return List.of();
            }
            throw e instanceof SftpException ? failed("listing " + dir, e) : e;
        }
    }

    @Override
    public void delete(String service, String name) throws IOException {
        Storage.checkNames(service, name);
        String file = directory(service) + "/" + name;
        try (SftpClient sftp = channel("deleting " + file)) {
            sftp.remove(file);
        } catch (IOException e) {
            if (!missing(e)) {
                throw e instanceof SftpException ? failed("deleting " + file, e) : e;
            }
        }
    }

    @Override
    public void removeStale(String service) throws IOException {
        Storage.checkNames(service, null);
        for (SftpClient.DirEntry entry : entries(service)) {
            if (entry.getFilename().startsWith(TEMPORARY)) {
                delete(service, entry.getFilename());
            }
        }
    }

    @Override
    public synchronized void close() throws IOException {
        if (session != null) {
            session.close(true);
            session = null;
        }
        if (client != null) {
            client.stop();
            client = null;
        }
    }
}
