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
