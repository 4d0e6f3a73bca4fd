package org.pgbackup.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chart's Deployment, as {@code helm template} renders it, run on the container engine
 * with {@code podman kube play} against a PostgreSQL container: its pod starts hardened as
 * rendered, takes the password from a Secret, and dumps on its schedule; the archive restores
 * the rows it was taken from.
 *
 * <p>podman 4.3's {@code kube play} turns a {@code kind: Secret} into a secret its own
 * {@code secretKeyRef} cannot read, so the test creates the Secret's data with
 * {@code podman secret create} instead, as a map of base64 values, which is what
 * {@code secretKeyRef} reads. {@code kube play} ignores the rendered {@code Service}.
 */
class ChartOnPodmanIT {
    private static final String CONTROLLER_IMAGE = setting("CONTROLLER_IMAGE", "localhost/pg-backup-controller:latest");
    private static final String POSTGRES_IMAGE = setting("POSTGRES_IMAGE", "localhost/pgbackup-base/postgres:17");
    private static final Pattern ARCHIVE = Pattern.compile("(file_\\w+_\\S+Z\\.dump\\.zst)");

    private final String id = "pgbackup-it-" + UUID.randomUUID().toString().substring(0, 8);
    private final String database = id + "-db";
    private final String secret = id + "-credentials";
    private Path manifests;

    @TempDir
    Path dir;

    private static String setting(String name, String fallback) {
        return Optional.ofNullable(System.getenv(name)).filter(v -> !v.isBlank()).orElse(fallback);
    }

    @BeforeEach
    void engine() {
        String missing = Podman.missing(List.of(CONTROLLER_IMAGE, POSTGRES_IMAGE));
        if (missing != null) {
            String why = "Container suite ChartOnPodmanIT NOT RUN: " + missing
                    + ". Install podman (see README, \"Testing\") and run docker/build-images.";
            if (Boolean.parseBoolean(System.getenv("REQUIRE_CONTAINER_TESTS"))) {
                throw new IllegalStateException(why + " REQUIRE_CONTAINER_TESTS=true, so this is a failure, not a skip");
            }
            System.err.println("!!!!! " + why);
            Assumptions.abort(why);
        }
    }

    @AfterEach
    void removeWhatTheTestMade() {
        if (manifests != null) {
            Podman.run("kube", "down", manifests.toString());
        }
        Podman.run("rm", "-f", database);
        Podman.run("secret", "rm", secret);
        Podman.run("volume", "rm", "-f", id + "-pg-backup-controller-backup");
        Podman.run("network", "rm", "-f", id);
    }

    private String sql(String sql) {
        return Podman.run("exec", database, "psql", "-v", "ON_ERROR_STOP=1", "-U", "app", "-d", "app", "-tAc", sql).ok()
                .stdout().strip();
    }

    private String fingerprint() {
        return sql("SELECT count(*) || ' ' || md5(string_agg(i::text, '|' ORDER BY id)) FROM items i");
    }

    private void awaitServer() throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        while (Podman.run("exec", database, "pg_isready", "-U", "app", "-d", "app").exitCode() != 0
                || Podman.run("exec", database, "psql", "-U", "app", "-d", "app", "-tAc", "SELECT 1").exitCode() != 0) {
            assertThat(Instant.now()).as("the server to accept connections").isBefore(deadline);
            Thread.sleep(500);
        }
    }

    /** A PostgreSQL container on a network of the test's own, 5000 rows in it, and the password's Secret. */
    private String serverAndSecret() throws InterruptedException {
        Podman.run("network", "create", id).ok();
        Podman.run("run", "-d", "--name", database, "--network", id, "-e", "POSTGRES_USER=app", "-e",
                "POSTGRES_PASSWORD=app-secret", "-e", "POSTGRES_DB=app", POSTGRES_IMAGE).ok();
        awaitServer();
        sql("CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL, price numeric(10,2));"
                + " INSERT INTO items SELECT g, 'item ' || md5(g::text), g * 1.25 FROM generate_series(1, 5000) g");
        String password = Base64.getEncoder().encodeToString("app-secret".getBytes(StandardCharsets.UTF_8));
        Podman.run(("{\"password\":\"" + password + "\"}").getBytes(StandardCharsets.UTF_8), "secret", "create",
                secret, "-").ok();
        return fingerprint();
    }

    /** {@code helm template} of the chart for the test's server and Secret, with more values. */
    private List<HasMetadata> render(String more) throws IOException {
        Path values = dir.resolve("values.yaml");
        Files.writeString(values, """
                image: {repository: %s, tag: %s, pullPolicy: IfNotPresent}
                schedule: "*/10 * * * * *"
                services:
                  - name: app-db
                    host: %s
                    database: app
                    user: app
                    passwordSecret: {name: %s, key: password}
                persistence: {size: 1Gi}
                """.formatted(CONTROLLER_IMAGE.substring(0, CONTROLLER_IMAGE.lastIndexOf(':')),
                CONTROLLER_IMAGE.substring(CONTROLLER_IMAGE.lastIndexOf(':') + 1), database, secret) + more);
        return Chart.parse(new Helm(Chart.DIR).template().withName(id).withNamespace("backups")
                .withKubeVersion(Chart.KUBERNETES_VERSION).withValuesFile(values).call());
    }

    /** {@code podman kube play} of these objects, on the test's network. */
    private void play(List<HasMetadata> objects) throws IOException {
        manifests = dir.resolve("play.yaml");
        Files.writeString(manifests, objects.stream().map(Chart::yaml).collect(Collectors.joining("---\n")));
        Podman.run("kube", "play", "--network", id, manifests.toString()).ok();
    }

    @Test
    void theRenderedDeploymentsPodRunsHardenedOnPodmanAndItsArchiveRestoresTheRows() throws Exception {
        String before = serverAndSecret();
        List<HasMetadata> objects = render("");
        Deployment deployment = Chart.ofKind(objects, Deployment.class).get(0);
        String claim = Chart.ofKind(objects, PersistentVolumeClaim.class).get(0).getMetadata().getName();
        play(objects);

        String pod = deployment.getMetadata().getName() + "-pod-0";
        String container = pod + "-" + deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getName();
        String inspect = Podman.run("inspect", container, "--format",
                "{{.Config.User}} {{.HostConfig.ReadonlyRootfs}} {{.HostConfig.SecurityOpt}}").ok().stdout().strip();
        assertThat(inspect).as("the pod as podman runs it").isEqualTo("999:999 true [no-new-privileges]");
        assertThat(Podman.run("exec", container, "sh", "-c", "grep ^CapEff /proc/self/status").ok().stdout())
                .as("no capability left").contains("0000000000000000");
        assertThat(Podman.run("volume", "exists", claim).exitCode()).as("the claim as a volume").isZero();

        String archive = awaitArchive(container);
        String path = "/var/lib/postgresql/backup/data/app-db/" + archive;
        String stored = Podman.run("exec", container, "sha256sum", path).ok().stdout().split("\\s+")[0];
        assertThat(Podman.run("exec", container, "cat", path + ".manifest.json").ok().stdout())
                .contains("\"sha256\" : \"" + stored + "\"");
        // The probes' command, as the kubelet would run it.
        Podman.Run health = Podman.run("exec", container, "/controller", "health");
        assertThat(health.exitCode()).as(health.toString()).isZero();
        assertThat(health.stdout()).startsWith("app-db: fresh: ");

        sql("DELETE FROM items WHERE id % 2 = 0");
        assertThat(fingerprint()).isNotEqualTo(before);
        Podman.run("exec", container, "/controller", "restore", "app-db", archive).ok();
        assertThat(fingerprint()).as("the rows restored from the pod's archive").isEqualTo(before);
    }

    /**
     * podman runs no CronJob, so the test runs what the CronJob would start: a Pod of its
     * {@code jobTemplate}'s pod template, once, with the rendered claim.
     */
    @Test
    void theRenderedCronJobsPodRunsOnceOnPodmanDumpsItsServiceAndExitsZero() throws Exception {
        String before = serverAndSecret();
        List<HasMetadata> objects = render("shape: cronjob\n");
        CronJob cronJob = Chart.ofKind(objects, CronJob.class).get(0);
        PersistentVolumeClaim claim = Chart.ofKind(objects, PersistentVolumeClaim.class).get(0);
        Pod job = new PodBuilder().withNewMetadata().withName(cronJob.getMetadata().getName()).endMetadata()
                .withSpec(cronJob.getSpec().getJobTemplate().getSpec().getTemplate().getSpec()).build();
        play(List.of(claim, job));

        String container = job.getMetadata().getName() + "-" + job.getSpec().getContainers().get(0).getName();
        Podman.Run waited = Podman.run("wait", container);
        assertThat(waited.ok().stdout().strip()).as("the job's exit code; its log:\n%s",
                Podman.run("logs", container).stderr()).isEqualTo("0");
        Podman.Run logs = Podman.run("logs", container);
        String printed = logs.stdout() + logs.stderr();
        List<String> json = printed.lines().filter(l -> l.startsWith("{")).toList();
        for (String line : json) {
            assertThat(new ObjectMapper().readTree(line).isObject()).as(line).isTrue();
        }
        assertThat(printed).contains("app-db: stored file_");

        Path volume = Path.of(Podman.run("volume", "inspect", claim.getMetadata().getName(), "--format",
                "{{.Mountpoint}}").ok().stdout().strip()).resolve("app-db");
        List<Path> archives;
        try (Stream<Path> files = Files.list(volume)) {
            archives = files.filter(f -> f.getFileName().toString().endsWith(".dump.zst")).toList();
        }
        // The log names the archive the volume holds, as a JSON line.
        assertThat(json).as("its JSON log lines").anySatisfy(line -> assertThat(line)
                .contains(archives.get(0).getFileName().toString()));
        assertThat(archives).singleElement().satisfies(archive -> assertThat(Files.readString(
                archive.resolveSibling(archive.getFileName() + ".manifest.json"))).contains("\"sha256\" : \""
                        + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(
                                Files.readAllBytes(archive))) + "\""));
        assertThat(fingerprint()).isEqualTo(before);
    }

    /** The newest archive of the pod's schedule, once {@code list} shows one. */
    private static String awaitArchive(String container) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
        while (true) {
            Podman.Run list = Podman.run("exec", container, "/controller", "list", "app-db");
            Matcher archive = ARCHIVE.matcher(list.stdout());
            if (list.exitCode() == 0 && archive.find()) {
                return archive.group(1);
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("no archive within 3 minutes; the pod's log:\n"
                        + Podman.run("logs", container).stderr());
            }
            Thread.sleep(1000);
        }
    }
}
