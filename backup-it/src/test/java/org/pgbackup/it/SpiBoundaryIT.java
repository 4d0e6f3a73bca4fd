package org.pgbackup.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Storage modules, the kit and the example plugin build on backup-spi alone, never on core. */
class SpiBoundaryIT {
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?(org\\.pgbackup\\.[\\w.]+)",
            Pattern.MULTILINE);
    private static final Pattern INTERNAL_IMPORT = Pattern.compile("^import (?:static )?org\\.pgbackup\\.internal\\.",
            Pattern.MULTILINE);

    @Test
    void storageCodeImportsNothingOfCoreButTheSpi() throws IOException {
        List<String> outside = new ArrayList<>();
        for (String module : List.of("backup-storage-local", "backup-storage-s3", "examples/storage-plugin")) {
            Path sources = ContainerFilesIT.ROOT.resolve(module).resolve("src/main/java");
            assertThat(sources).isDirectory();
            try (Stream<Path> files = Files.walk(sources)) {
                for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    Matcher m = IMPORT.matcher(Files.readString(file));
                    while (m.find()) {
                        String name = m.group(1);
                        boolean own = name.startsWith("org.pgbackup.storage.");
                        if (!own && !name.startsWith("org.pgbackup.spi.")) {
                            outside.add(ContainerFilesIT.ROOT.relativize(file) + ": " + name);
                        }
                    }
                }
            }
        }
        assertThat(outside).isEmpty();
    }

    /**
     * The client's package, {@code org.pgbackup.controller}, holds the API alone (the client,
     * its options, results, listeners and the automated mode), the operations live in
     * {@code org.pgbackup.internal.operation}, and nothing outside core imports core's internals.
     */
    @Test
    void coresApiPackagesHoldOnlyTheApiAndNothingOutsideCoreImportsItsInternals() throws IOException {
        Path core = ContainerFilesIT.ROOT.resolve("backup-core/src/main/java/org/pgbackup/controller");
        List<String> hidden = new ArrayList<>();
        try (Stream<Path> files = Files.walk(core)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".java")
                    && !p.getFileName().toString().equals("package-info.java")).toList()) {
                if (!Files.readString(file).contains("\npublic ")) {
                    hidden.add(core.relativize(file).toString());
                }
            }
        }
        assertThat(hidden).as("non-public types in the API package: they belong in org.pgbackup.internal").isEmpty();
        List<String> outside = new ArrayList<>();
        for (String module : List.of("backup-cli", "backup-it", "backup-storage-local", "backup-storage-s3",
                "backup-storage-sftp", "backup-storage-azure", "backup-storage-testkit", "examples/storage-plugin")) {
            try (Stream<Path> files = Files.walk(ContainerFilesIT.ROOT.resolve(module).resolve("src"))) {
                for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    if (INTERNAL_IMPORT.matcher(Files.readString(file)).find()) {
                        outside.add(ContainerFilesIT.ROOT.relativize(file).toString());
                    }
                }
            }
        }
        assertThat(outside).as("code outside core that imports its internals").isEmpty();
    }

    @Test
    void theSpiArtifactHasNoDependenciesAndStorageModulesBuildOnItAlone() throws IOException {
        assertThat(Files.readString(ContainerFilesIT.ROOT.resolve("backup-spi/pom.xml"))).doesNotContain("<dependency>");
        for (String module : List.of("backup-storage-local", "backup-storage-s3", "backup-storage-testkit",
                "examples/storage-plugin")) {
            assertThat(Files.readString(ContainerFilesIT.ROOT.resolve(module).resolve("pom.xml"))).as(module)
                    .contains("<artifactId>backup-spi</artifactId>").doesNotContain("<artifactId>backup-core</artifactId>");
        }
    }
}
