package org.pgbackup.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The servers {@code restore-pitr --start} leaves running, as the tests meet them: where they
 * may live, the port the command printed, queries as the source's role, and their stop.
 */
final class RestoredServers implements AutoCloseable {
    private static final Pattern PORT = Pattern.compile("runs on localhost port (\\d+)");

    private final List<Path> started = new ArrayList<>();

    /**
     * A directory under {@code root} that the server's OS user owns, for restored directories
     * to live in: {@code --start} gives a directory to the owner of its parent.
     */
    static Path home(Path root) throws IOException {
        // The server's user must reach it through the test's directory.
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path servers = Files.createDirectories(root.resolve("servers"));
        Files.setPosixFilePermissions(servers, PosixFilePermissions.fromString("rwxr-xr-x"));
        if (PgCluster.isRoot()) {
            Files.setOwner(servers, servers.getFileSystem().getUserPrincipalLookupService()
                    .lookupPrincipalByName("postgres"));
        }
        return servers;
    }

    /** The port of the server a successful {@code restore-pitr --start} into {@code data} started; stopped on close. */
    int started(ControllerProcess.Run run, Path data) {
        assertThat(run.exitCode()).as(run.toString()).isZero();
        started.add(data);
        Matcher port = PORT.matcher(run.stdout());
        assertThat(port.find()).as(run.toString()).isTrue();
        return Integer.parseInt(port.group(1));
    }

    /** The port of the server a library restore with {@code start} started; stopped on close. */
    int started(org.pgbackup.pitr.PitrRestoreResult result) {
        started.add(result.directory());
        return result.started().orElseThrow().port();
    }

    /** Runs SQL on a restored server as the source's role, which it restored. */
    static String query(PgCluster source, int port, String sql) {
        ProcessBuilder psql = new ProcessBuilder(PgCluster.serverBinaries().resolve("psql").toString(), "--no-psqlrc",
                "--tuples-only", "--no-align", "--set=ON_ERROR_STOP=1", "--host=127.0.0.1", "--port=" + port,
                "--username=" + source.user(), "--dbname=" + source.database(), "--command=" + sql);
        psql.environment().put("PGPASSWORD", source.password());
        return Exec.run(psql, null).requireSuccess("psql").stdout().strip();
    }

    /** Stops every server started, at once. */
    @Override
    public void close() {
        for (Path data : started) {
            List<String> command = new ArrayList<>();
            if (PgCluster.isRoot()) {
                command.addAll(List.of("runuser", "-u", "postgres", "--"));
            }
            command.addAll(List.of(PgCluster.serverBinaries().resolve("pg_ctl").toString(), "--pgdata=" + data,
                    "--mode=immediate", "--wait", "stop"));
            Exec.run(new ProcessBuilder(command).directory(Path.of("/").toFile()), null);
        }
        started.clear();
    }
}
