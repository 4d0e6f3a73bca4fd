package org.pgbackup.it;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One throwaway cluster serving as one service of the controller, filled with sample data.
 * Registered on a static field it lives for the test class; on an instance field, for
 * each test.
 */
final class ClusterExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        AfterEachCallback {
    private final String service;
    private final String user;
    private final String password;
    private final String database;
    private final int rows;
    private PgCluster cluster;
    private boolean perTest;

    ClusterExtension(String service, String user, String password, String database, int rows) {
        this.service = service;
        this.user = user;
        this.password = password;
        this.database = database;
        this.rows = rows;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        start();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (cluster == null) {
            perTest = true;
            start();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (perTest) {
            close();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    private void start() {
        cluster = PgCluster.start(user, password, database);
        if (rows > 0) {
            SampleData.fill(cluster, rows);
        }
    }

    private void close() {
        if (cluster != null) {
            cluster.close();
            cluster = null;
        }
    }

    PgCluster cluster() {
        return cluster;
    }

    String service() {
        return service;
    }

    /** The variables that make this cluster the only service, with archives under root. */
    Map<String, String> env(Path root) {
        Map<String, String> env = new HashMap<>(cluster.serviceEnvironment(service));
        env.put("DATABASE_LIST", service);
        env.put("BACKUP_ROOT", root.toString());
        return env;
    }
}
