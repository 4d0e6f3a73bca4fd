package org.pgbackup.internal.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.pgbackup.internal.process.ProcessRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pgbackup.error.IncompatibleClientException;
import org.pgbackup.error.ToolNotFoundException;

class PgBinariesTest {
    @TempDir
    Path dir;

    /** A stand-in program that answers --version like a PostgreSQL program of that version. */
    private Path standIn(String relative, String version) throws IOException {
        Path program = dir.resolve(relative);
        Files.createDirectories(program.getParent());
        Files.writeString(program, "#!/bin/sh\necho '" + program.getFileName() + " (PostgreSQL) " + version + "'\n");
        Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwxr-xr-x"));
        return program;
    }

    private static PgBinaries locate(Optional<Path> pgBinDir, Path debianRoot, String pathVariable) {
        return PgBinaries.locate(pgBinDir, debianRoot, pathVariable, new ProcessRunner());
    }

    @Test
    void readsVersionsAsProgramsAndServersReportThem() {
        assertThat(PgVersion.ofProgramOutput("pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)"))
                .contains(new PgVersion(15, "15.18"));
        assertThat(PgVersion.ofProgramOutput("pg_dump (PostgreSQL) 9.6.24")).contains(new PgVersion(9, "9.6.24"));
        assertThat(PgVersion.ofProgramOutput("pg_dump (PostgreSQL) 17beta1")).contains(new PgVersion(17, "17"));
        assertThat(PgVersion.ofProgramOutput("something else")).isEmpty();
        assertThat(PgVersion.ofServer("160004", "16.4")).contains(new PgVersion(16, "16.4"));
        assertThat(PgVersion.ofServer("90624", "9.6.24")).contains(new PgVersion(9, "9.6.24"));
    }

    @Test
    void newestVersionedDirectoryComesFirst() throws IOException {
        standIn("lib/9/bin/pg_dump", "9.6.1");
        standIn("lib/15/bin/pg_dump", "15.4");
        standIn("lib/16/bin/pg_dump", "16.2");
        PgBinaries binaries = locate(Optional.empty(), dir.resolve("lib"), null);
        assertThat(binaries.find("pg_dump")).isEqualTo(dir.resolve("lib/16/bin/pg_dump"));
        assertThat(binaries.clientFor("pg_dump", new PgVersion(16, "16.1"))).isEqualTo(dir.resolve("lib/16/bin/pg_dump"));
    }

    @Test
    void dumpsUseTheLowestMajorThatIsTheServersOrNewerAndRestoresTheNewest() throws IOException {
        standIn("lib/13/bin/pg_dump", "13.16");
        standIn("lib/15/bin/pg_dump", "15.8");
        standIn("lib/17/bin/pg_dump", "17.2");
        standIn("lib/17/bin/pg_restore", "17.2");
        standIn("lib/15/bin/pg_restore", "15.8");
        PgBinaries binaries = locate(Optional.empty(), dir.resolve("lib"), null);

        assertThat(binaries.dumpClientFor("pg_dump", new PgVersion(12, "12.22"))).isEqualTo(dir.resolve(
                "lib/13/bin/pg_dump"));
        assertThat(binaries.dumpClientFor("pg_dump", new PgVersion(14, "14.13"))).isEqualTo(dir.resolve(
                "lib/15/bin/pg_dump"));
        assertThat(binaries.dumpClientFor("pg_dump", new PgVersion(15, "15.8"))).isEqualTo(dir.resolve(
                "lib/15/bin/pg_dump"));
        assertThat(binaries.dumpClientFor("pg_dump", new PgVersion(16, "16.4"))).isEqualTo(dir.resolve(
                "lib/17/bin/pg_dump"));
        assertThatThrownBy(() -> binaries.dumpClientFor("pg_dump", new PgVersion(18, "18.1")))
                .isInstanceOf(IncompatibleClientException.class).hasMessageContaining("PostgreSQL 18.1")
                .hasMessageContaining("version 17.2");
        // An archive may come from a newer pg_dump than the server: restores take the newest.
        assertThat(binaries.clientFor("pg_restore", new PgVersion(15, "15.8"))).isEqualTo(dir.resolve(
                "lib/17/bin/pg_restore"));
    }

    @Test
    void pathIsTheFallback() throws IOException {
        Path onPath = standIn("path/pg_dump", "15.4");
        PgBinaries binaries = locate(Optional.empty(), dir.resolve("none"), "/nonexistent:" + onPath.getParent());
        assertThat(binaries.find("pg_dump")).isEqualTo(onPath);
    }

    @Test
    void anOlderClientIsRefusedNamingBothVersions() throws IOException {
        Path old = standIn("bin/pg_dump", "14.9");
        PgBinaries binaries = locate(Optional.of(old.getParent()), dir.resolve("none"), null);
        assertThatThrownBy(() -> binaries.clientFor("pg_dump", new PgVersion(16, "16.4")))
                .isInstanceOf(IncompatibleClientException.class)
                .hasMessageContaining("PostgreSQL 16.4").hasMessageContaining("version 14.9")
                .hasMessageContaining("PG_BIN_DIR");
    }

    @Test
    void pgBinDirIsTheOnlyPlaceLookedAtWhenSet() throws IOException {
        standIn("lib/15/bin/pg_dump", "15.4");
        Files.createDirectories(dir.resolve("empty"));
        PgBinaries binaries = locate(Optional.of(dir.resolve("empty")), dir.resolve("lib"), "/usr/bin");
        assertThatThrownBy(() -> binaries.find("pg_dump")).isInstanceOf(ToolNotFoundException.class)
                .hasMessageContaining("PG_BIN_DIR " + dir.resolve("empty"));
    }

    @Test
    void exactMajorIsRequiredForDataDirectoryTools() throws IOException {
        Path dir15 = standIn("bin/pg_resetwal", "15.4").getParent();
        PgBinaries binaries = locate(Optional.of(dir15), dir.resolve("none"), null);
        assertThat(binaries.exactly("pg_resetwal", 15)).isEqualTo(dir15.resolve("pg_resetwal"));
        assertThatThrownBy(() -> binaries.exactly("pg_resetwal", 14)).isInstanceOf(IncompatibleClientException.class)
                .hasMessageContaining("PostgreSQL 14").hasMessageContaining("only 15.4");
    }

    @Test
    void aProgramThatReportsNoVersionIsNamed() throws IOException {
        Path fake = dir.resolve("bin/pg_dump");
        Files.createDirectories(fake.getParent());
        Files.writeString(fake, "#!/bin/sh\necho nope\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        PgBinaries binaries = locate(Optional.of(fake.getParent()), dir, null);
        assertThatThrownBy(() -> binaries.versionOf(fake)).isInstanceOf(ToolNotFoundException.class)
                .hasMessageContaining(fake.toString());
    }

    @Test
    void eachProgramIsAskedOnceUntilItIsReplaced() throws IOException {
        Path fake = dir.resolve("bin/pg_dump");
        Path calls = dir.resolve("calls");
        Files.createDirectories(fake.getParent());
        Files.writeString(fake, "#!/bin/sh\necho x >> " + calls + "\necho 'pg_dump (PostgreSQL) 15.4'\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        PgBinaries binaries = locate(Optional.of(fake.getParent()), dir, null);
        assertThat(binaries.versionOf(fake)).hasToString("15.4");
        assertThat(binaries.versionOf(fake)).hasToString("15.4");
        assertThat(Files.readAllLines(calls)).hasSize(1);

        // An upgrade in place, while a long-running controller keeps its PgBinaries.
        Files.writeString(fake, "#!/bin/sh\necho x >> " + calls + "\necho 'pg_dump (PostgreSQL) 16.2 (Debian)'\n");
        assertThat(binaries.versionOf(fake)).hasToString("16.2");
        assertThat(Files.readAllLines(calls)).hasSize(2);
    }
}
