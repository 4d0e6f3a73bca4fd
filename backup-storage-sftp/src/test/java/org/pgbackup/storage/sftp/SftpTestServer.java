package org.pgbackup.storage.sftp;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.auth.pubkey.KeySetPublickeyAuthenticator;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;

/**
 * A real SSH server with SFTP in the test JVM (Apache MINA SSHD's), on the loopback address:
 * one account that logs in with a password or with a key this fixture makes, files under a
 * directory of the test, and a {@code known_hosts} file for its host key.
 */
public final class SftpTestServer implements AutoCloseable {
    public static final String USER = "backup";
    public static final String PASSWORD = "sftp-secret-pw";

    private final SshServer server;
    private final Path root;
    private final Path work;
    private final Path clientKey;

    private SftpTestServer(SshServer server, Path root, Path work, Path clientKey) {
        this.server = server;
        this.root = root;
        this.work = work;
        this.clientKey = clientKey;
    }

    /** Starts a server keeping its files and keys under {@code work}. */
    public static SftpTestServer start(Path work) {
        try {
            Path root = Files.createDirectories(work.resolve("root"));
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(256);
            KeyPair client = generator.generateKeyPair();
            Path clientKey = work.resolve("id_ecdsa");
            try (OutputStream out = Files.newOutputStream(clientKey)) {
                OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(client, "backup@test", null, out);
            }
            SshServer server = SshServer.setUpDefaultServer();
            server.setHost("127.0.0.1");
            server.setPort(0);
            server.setKeyPairProvider(new SimpleGeneratorHostKeyProvider(work.resolve("host-key")));
            server.setPasswordAuthenticator((user, password, session) -> USER.equals(user) && PASSWORD.equals(password));
            server.setPublickeyAuthenticator(new KeySetPublickeyAuthenticator(USER, List.of(client.getPublic())));
            server.setSubsystemFactories(List.of(new SftpSubsystemFactory()));
            server.setFileSystemFactory(new VirtualFileSystemFactory(root));
            server.start();
            return new SftpTestServer(server, root, work, clientKey);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public int port() {
        return server.getPort();
    }

    /** Where the server keeps the files that clients see under {@code /}. */
    public Path root() {
        return root;
    }

    /** The private key the account accepts, an OpenSSH key file without passphrase. */
    public Path clientKey() {
        return clientKey;
    }

    /** A {@code known_hosts} file that holds this server's host keys for the given ports of 127.0.0.1. */
    public Path knownHosts(int... ports) {
        try {
            List<String> lines = new ArrayList<>();
            for (KeyPair key : server.getKeyPairProvider().loadKeys(null)) {
                for (int port : ports) {
                    lines.add("[127.0.0.1]:" + port + " " + PublicKeyEntry.toString(key.getPublic()));
                }
            }
            Path file = Files.createTempFile(work, "known_hosts", "");
            Files.write(file, lines);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The {@code SFTP_*} settings of a storage under {@code path} on this server, logging in
     * with the key; {@code extra} are more names and values, which win.
     */
    public Map<String, String> environment(String path, String... extra) {
        Map<String, String> env = new HashMap<>();
        env.put("SFTP_HOST", "127.0.0.1");
        env.put("SFTP_PORT", String.valueOf(port()));
        env.put("SFTP_USER", USER);
        env.put("SFTP_PRIVATE_KEY_FILE", clientKey.toString());
        env.put("SFTP_KNOWN_HOSTS", knownHosts(port()).toString());
        env.put("SFTP_PATH", path);
        for (int i = 0; i + 1 < extra.length; i += 2) {
            env.put(extra[i], extra[i + 1]);
        }
        return env;
    }

    /** A storage on this server, through the plugin's own provider. */
    public static org.pgbackup.spi.Storage storage(Map<String, String> env) {
        return org.pgbackup.storage.testkit.StorageProviderContract.storageOf(new SftpStorageProvider(), env);
    }

    @Override
    public void close() {
        try {
            server.stop(true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
