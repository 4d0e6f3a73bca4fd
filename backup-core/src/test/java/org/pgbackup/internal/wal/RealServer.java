package org.pgbackup.internal.wal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.io.FileUtils;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.pgbackup.internal.postgres.PgConnection;
import org.pgbackup.internal.process.ProcessRunner;

/**
 * A {@link ScratchServer} for each test, in a directory of its own, with a table {@code ticks}
 * to write WAL with, and the runner the test's clients run on: all end with the test.
 */
final class RealServer implements BeforeEachCallback, AfterEachCallback {
    private Path root;
    private ScratchServer server;
    private ProcessRunner runner;

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        root = Files.createTempDirectory("wal-test");
        server = ScratchServer.start(root.resolve("server"));
        runner = new ProcessRunner();
        server.sql("CREATE TABLE ticks (id serial PRIMARY KEY, at timestamptz NOT NULL DEFAULT clock_timestamp(),"
                + " pad text)");
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        runner.stopAll();
        server.close();
        FileUtils.deleteDirectory(root.toFile());
    }

    ScratchServer server() {
        return server;
    }

    /** A directory of the test's, beside the server's. */
    Path root() {
        return root;
    }

    /** The server as service {@code shop}, for the test's clients. */
    PgConnection connection() {
        return new PgConnection(server.service("shop"), runner);
    }

    ProcessRunner runner() {
        return runner;
    }

    /** Writes rows into {@code ticks}, then ends the segment: its name, and the length the server wrote into it. */
    Switched writeAndSwitch(int rows) {
        server.sql("INSERT INTO ticks (pad) SELECT repeat('x', 200) FROM generate_series(1, " + rows + ")");
        String[] fields = server.sql("SELECT file_name || ' ' || file_offset FROM"
                + " pg_walfile_name_offset(pg_switch_wal())").split(" ");
        return new Switched(fields[0], Integer.parseInt(fields[1]));
    }

    /** A segment the server switched away from, and how much of it it wrote. */
    record Switched(String segment, int length) {
    }
}
