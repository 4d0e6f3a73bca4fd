package org.pgbackup.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server newer than every client is refused with both versions named. Only one major can
 * be installed here, so the old client is a stand-in that answers as pg_dump 14.9 would.
 */
class ClientVersionIT {
    @RegisterExtension
    static ClusterExtension erin = new ClusterExtension("erin", "erin", "erin-pw", "postgres", 0);
    static ControllerProcess controller = ControllerProcess.fromSystemProperty();

    @TempDir
    Path root;

    @Test
    void olderPgDumpIsRefusedNamingTheServerAndClientVersions(@TempDir Path bin) throws IOException {
        Path marker = bin.resolve("dumped");
        Path pgDump = bin.resolve("pg_dump");
        Files.writeString(pgDump, "#!/bin/sh\nif [ \"$1\" = --version ]; then echo 'pg_dump (PostgreSQL) 14.9'; exit 0;"
                + " fi\ntouch '" + marker + "'\nexit 1\n");
        Files.setPosixFilePermissions(pgDump, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createSymbolicLink(bin.resolve("psql"), PgCluster.serverBinaries().resolve("psql"));
        String serverVersion = erin.cluster().psql("SHOW server_version").strip();
        Map<String, String> env = erin.env(root);
        env.put("PG_BIN_DIR", bin.toString());

        ControllerProcess.Run run = controller.run(env, "dump", "erin");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.errorLines()).singleElement().satisfies(line -> assertThat(line)
                .contains("The server runs PostgreSQL " + serverVersion)
                .contains("the newest pg_dump found is version 14.9"));
        assertThat(marker).as("the old pg_dump was never asked to dump").doesNotExist();
        assertThat(Trees.snapshot(root).keySet()).noneMatch(Trees::isArchive);
    }
}
