package org.pgbackup.it.container;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Volume;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.PostgreSQLContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * What one test class runs on the engine: a user-defined network on which containers find
 * each other by service name, named volumes, PostgreSQL servers and controllers. Ryuk is
 * off, so {@link #close()} removes every container, volume and the network it made; as a
 * static {@code @RegisterExtension} field it does so after the test class.
 */
final class Lab implements AutoCloseable, AfterAllCallback {
    private final String id = UUID.randomUUID().toString().substring(0, 8);
    private final Network network = Network.newNetwork();
    private final List<GenericContainer<?>> containers = Collections.synchronizedList(new ArrayList<>());
    private final List<String> volumes = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean networkShown;

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    DockerClient client() {
        return DockerClientFactory.instance().client();
    }

    Network network() {
        if (!networkShown) {
            Steps.say("docker network create " + network.getId());
            networkShown = true;
        }
        return network;
    }

    private String networkName() {
        return network().getId();
    }

    /** A new engine-created named volume. */
    String volume(String purpose) {
        String name = "pgbackup-it-" + id + "-" + purpose;
        Steps.say("docker volume create " + name);
        client().createVolumeCmd().withName(name).exec();
        volumes.add(name);
        return name;
    }

    /** Mounts volumes (name or host path → container path) when the container is created. */
    static void mount(GenericContainer<?> container, Map<String, String> mounts) {
        container.withCreateContainerCmdModifier(cmd -> {
            List<Bind> binds = new ArrayList<>(List.of(cmd.getHostConfig().getBinds() == null ? new Bind[0]
                    : cmd.getHostConfig().getBinds()));
            mounts.forEach((source, target) -> binds.add(new Bind(source, new Volume(target))));
            cmd.getHostConfig().withBinds(binds);
        });
    }

    /** A PostgreSQL server reachable on the network as {@code alias}, its data on a named volume when given. */
    Pg postgres(String alias, String user, String password, String database, String dataVolume) {
        return server(alias, user, password, database, dataVolume, false);
    }

    /**
     * A PostgreSQL server started on a data directory that is already there, such as one
     * {@code restore-pitr} wrote: it is up once it has recovered and accepts connections, which
     * it says once (a fresh one says it twice, around its initialisation).
     */
    Pg postgresOn(String alias, String user, String password, String database, String dataVolume) {
        return server(alias, user, password, database, dataVolume, true);
    }

    private Pg server(String alias, String user, String password, String database, String dataVolume,
            boolean existing) {
        @SuppressWarnings("resource")
        PostgreSQLContainer<?> container = new PostgreSQLContainer<>(
                DockerImageName.parse(ContainerEngine.POSTGRES_IMAGE).asCompatibleSubstituteFor("postgres"))
                .withUsername(user).withPassword(password).withDatabaseName(database)
                .withNetwork(network()).withNetworkAliases(alias);
        if (existing) {
            container.waitingFor(Wait.forLogMessage(".*database system is ready to accept connections.*\\s", 1)
                    .withStartupTimeout(java.time.Duration.ofMinutes(3)));
        }
        if (dataVolume != null) {
            mount(container, Map.of(dataVolume, "/var/lib/postgresql/data"));
        }
        Steps.say("docker run -d --network " + networkName() + " --network-alias " + alias + " -e POSTGRES_USER="
                + user + " -e POSTGRES_PASSWORD=*** -e POSTGRES_DB=" + database
                + (dataVolume == null ? "" : " -v " + dataVolume + ":/var/lib/postgresql/data") + " "
                + ContainerEngine.POSTGRES_IMAGE);
        start(container);
        return new Pg(container, alias, user, password, database);
    }

    /** The suite's usual server: {@code app-db}, user {@code app}, database {@code app}, 2000 rows of {@link Pg#fill}. */
    Pg appServer() {
        Pg app = postgres("app-db", "app", "app-secret", "app", null);
        app.fill(2000);
        return app;
    }

    /**
     * A controller running {@code start}, with the given environment and mounts; more
     * settings through {@code customize}. It is up once its schedule line is logged.
     */
    Controller controller(String name, Map<String, String> env, Map<String, String> mounts,
            Consumer<GenericContainer<?>> customize) {
        @SuppressWarnings("resource")
        GenericContainer<?> container = new GenericContainer<>(DockerImageName.parse(ContainerEngine.CONTROLLER_IMAGE))
                .withNetwork(network()).withNetworkAliases(name).withEnv(env).withCommand("start")
                .waitingFor(Wait.forLogMessage(".*(Next run at|Scheduled dumps are off).*\\n", 1));
        mount(container, mounts);
        customize.accept(container);
        Map<String, String> shown = new LinkedHashMap<>(env);
        shown.replaceAll((k, v) -> k.contains("PASSWORD") || k.contains("SECRET") ? "***" : v);
        StringBuilder line = new StringBuilder("docker run -d --network " + networkName() + " --name " + name);
        shown.forEach((k, v) -> line.append(" -e ").append(k).append('=').append(v));
        mounts.forEach((k, v) -> line.append(" -v ").append(k).append(':').append(v));
        Steps.say(line.append(' ').append(ContainerEngine.CONTROLLER_IMAGE).append(" start").toString());
        start(container);
        return new Controller(container, name, this);
    }

    private void start(GenericContainer<?> container) {
        containers.add(container);
        container.start();
    }

    /** Stops and removes a container now (its volumes stay). */
    void remove(GenericContainer<?> container) {
        Steps.say("docker rm -f " + container.getContainerName());
        container.stop();
        containers.remove(container);
    }

    @Override
    public void close() {
        List<GenericContainer<?>> all = new ArrayList<>(containers);
        Collections.reverse(all);
        for (GenericContainer<?> container : all) {
            try {
                container.stop();
            } catch (RuntimeException e) {
                System.err.println("Removing container " + container.getContainerName() + " failed: " + e);
            }
        }
        for (String volume : volumes) {
            Steps.say("docker volume rm " + volume);
            try {
                client().removeVolumeCmd(volume).exec();
            } catch (RuntimeException e) {
                System.err.println("Removing volume " + volume + " failed: " + e);
            }
        }
        if (networkShown) {
            Steps.say("docker network rm " + networkName());
            network.close();
        }
    }
}
