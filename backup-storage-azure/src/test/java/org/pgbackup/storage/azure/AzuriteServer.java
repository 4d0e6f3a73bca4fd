package org.pgbackup.storage.azure;

import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.common.StorageSharedKeyCredential;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Azurite, Microsoft's Azure Storage emulator (from the npm registry, installed by this
 * module's build into {@code target/azurite}), as a child process on a free loopback port,
 * keeping its blobs under a directory of the test. Its account is Azurite's well-known
 * development account, whose key is public.
 */
public final class AzuriteServer implements AutoCloseable {
    public static final String ACCOUNT = "devstoreaccount1";
    public static final String KEY =
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private final Process process;
    private final int port;

    private AzuriteServer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts Azurite's blob service; {@code azurite.home} (a system property) is where npm installed it. */
    public static AzuriteServer start(Path work) {
        Path bin = Path.of(System.getProperty("azurite.home", "missing"), "node_modules/.bin/azurite-blob");
        if (!Files.isExecutable(bin)) {
            throw new IllegalStateException("Azurite is not installed at " + bin + ": the build of backup-storage-azure"
                    + " installs it with npm (npm must be on PATH)");
        }
        try {
            int port;
            try (ServerSocket free = new ServerSocket(0)) {
                port = free.getLocalPort();
            }
            Path data = Files.createDirectories(work.resolve("azurite"));
            Process process = new ProcessBuilder(bin.toString(), "--blobHost", "127.0.0.1", "--blobPort",
                    String.valueOf(port), "--location", data.toString(), "--skipApiVersionCheck", "--loose",
                    "--silent").redirectErrorStream(true).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8));
            String line;
            StringBuilder seen = new StringBuilder();
            while ((line = out.readLine()) != null) {
                seen.append(line).append('\n');
                if (line.contains("successfully listens")) {
                    Thread drain = new Thread(() -> {
                        try {
                            out.transferTo(java.io.Writer.nullWriter());
                        } catch (IOException e) {
                            // Azurite ended.
                        }
                    }, "azurite-output");
                    drain.setDaemon(true);
                    drain.start();
                    return new AzuriteServer(process, port);
                }
            }
            process.destroyForcibly();
            throw new IllegalStateException("Azurite did not start: " + seen);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return port;
    }

    /** The account's blob endpoint on {@code port}, which may be a proxy's in front of this server. */
    public static String endpoint(int port) {
        return "http://127.0.0.1:" + port + "/" + ACCOUNT;
    }

    /** Creates a container. */
    public void container(String name) {
        new BlobServiceClientBuilder().endpoint(endpoint(port)).credential(new StorageSharedKeyCredential(ACCOUNT, KEY))
                .buildClient().createBlobContainerIfNotExists(name);
    }

    /** The {@code AZURE_BLOB_*} settings of a container here; {@code extra} are more names and values, which win. */
    public Map<String, String> environment(String container, String prefix, String... extra) {
        Map<String, String> env = new HashMap<>();
        env.put("AZURE_BLOB_ENDPOINT", endpoint(port));
        env.put("AZURE_BLOB_ACCOUNT_NAME", ACCOUNT);
        env.put("AZURE_BLOB_ACCOUNT_KEY", KEY);
        env.put("AZURE_BLOB_CONTAINER", container);
        env.put("AZURE_BLOB_PREFIX", prefix);
        for (int i = 0; i + 1 < extra.length; i += 2) {
            env.put(extra[i], extra[i + 1]);
        }
        return env;
    }

    /** A storage here, through the plugin's own provider. */
    public static org.pgbackup.spi.Storage storage(Map<String, String> env) {
        return org.pgbackup.storage.testkit.StorageProviderContract.storageOf(new AzureBlobStorageProvider(), env);
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
