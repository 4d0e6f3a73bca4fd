package org.pgbackup.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.module.ModuleFinder;
import java.lang.module.ResolvedModule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.pgbackup.config.Configuration;
import org.pgbackup.config.EnvironmentVariables;
import org.pgbackup.storage.s3.S3StorageProvider;
import org.yaml.snakeyaml.Yaml;

/**
 * The image and the compose example, checked without a Docker engine: the example may set
 * only variables the controller knows and must mount the documented layout; the Dockerfile
 * runs the launcher as the entrypoint, with a health check; the scripts pass shellcheck; and
 * the launcher, with the image's JVM flags, runs the real jar.
 */
class ContainerFilesIT {
    static final Path ROOT = Path.of(System.getProperty("repository.root", ".")).toAbsolutePath().normalize();

    @RegisterExtension
    static ClusterExtension app = new ClusterExtension("app", "nina", "nina-pw", "app", 100);

    @TempDir
    Path root;

    @SuppressWarnings("unchecked")
    private static Map<String, Object> compose() throws IOException {
        return new Yaml().load(Files.readString(ROOT.resolve("compose.example.yaml")));
    }

    @Test
    @SuppressWarnings("unchecked")
    void composeExampleSetsOnlyKnownVariablesAndMountsTheDocumentedLayout() throws IOException {
        Map<String, Object> services = (Map<String, Object>) compose().get("services");
        Map<String, Object> controllerService = (Map<String, Object>) services.get("controller");
        Map<String, Object> environment = (Map<String, Object>) controllerService.get("environment");
        List<String> databases = List.of(((String) environment.get("DATABASE_LIST")).split(","));

        assertThat(controllerService.get("user")).isEqualTo("postgres");
        List<String> known = new ArrayList<>(EnvironmentVariables.VARIABLES);
        known.addAll(new S3StorageProvider().settings());
        for (String service : databases) {
            assertThat(services).as("a compose service for " + service).containsKey(service);
            EnvironmentVariables.SERVICE_VARIABLES.forEach(v -> known.add(EnvironmentVariables.envPrefix(service) + v));
        }
        assertThat(environment.keySet()).as("variables the controller reads").isSubsetOf(known);
        Map<String, String> env = new HashMap<>();
        environment.forEach((k, v) -> env.put(k, String.valueOf(v)));
        env.put("BACKUP_ROOT", root.toString());
        assertThat(Configuration.from(env).serviceNames()).containsExactlyElementsOf(databases);

        List<String> mounts = ((List<String>) controllerService.get("volumes")).stream()
                .map(v -> v.split(":")[1]).toList();
        List<String> expected = new ArrayList<>(List.of("/var/lib/postgresql/backup/shared"));
        for (String service : databases) {
            expected.add("/var/lib/postgresql/backup/data/" + service);
            expected.add("/var/lib/postgresql/databases/" + service);
            Map<String, Object> db = (Map<String, Object>) services.get(service);
            String dataVolume = ((List<String>) db.get("volumes")).get(0).split(":")[0];
            assertThat((List<String>) controllerService.get("volumes")).as("the controller mounts the data of "
                    + service).contains(dataVolume + ":/var/lib/postgresql/databases/" + service);
            Map<String, Object> dbEnv = (Map<String, Object>) db.get("environment");
            assertThat(environment.get(EnvironmentVariables.envPrefix(service) + "POSTGRES_PASSWORD"))
                    .isEqualTo(dbEnv.get("POSTGRES_PASSWORD"));
        }
        assertThat(mounts).containsExactlyInAnyOrderElementsOf(expected);
    }

    private static String dockerfile() throws IOException {
        return Files.readString(ROOT.resolve("docker/Dockerfile"));
    }

    @Test
    void dockerfileRunsTheLauncherAsPostgresWithAHealthCheckAndChecksItselfAtBuildTime() throws IOException {
        String dockerfile = dockerfile();
        assertThat(dockerfile).contains("ARG POSTGRES_IMAGE=postgres:17").contains("FROM ${POSTGRES_IMAGE}")
                .contains("ARG BUILD_IMAGE=maven:3.9-eclipse-temurin-17").contains("FROM ${BUILD_IMAGE} AS build")
                .contains("COPY controller /controller").contains("COPY controller-jit.json /controller-jit.json").contains("USER postgres").contains("RUN /controller --help")
                .contains("ENTRYPOINT [\"/controller\"]").contains("CMD [\"start\"]")
                .containsPattern("HEALTHCHECK .*--start-period=\\S+ .*CMD \\[\"/controller\", \"health\"\\]")
                .contains("/var/lib/postgresql/backup/data").contains("/var/lib/postgresql/backup/shared")
                .contains("/var/lib/postgresql/databases");
        assertThat(ROOT.resolve(".dockerignore")).content().contains("**/target/");
        assertThat(dockerfile.lines().filter(l -> l.startsWith("FROM "))).as("every base is a build argument")
                .allMatch(l -> l.matches("FROM \\$\\{[A-Z_]+}( AS \\w+)?"));
    }

    /** The build stage reads the whole reactor: a module the parent names but the image lacks breaks the build. */
    @Test
    void theBuildStageCopiesEveryModuleOfTheReactor() throws IOException {
        String dockerfile = dockerfile();
        java.util.regex.Matcher module = java.util.regex.Pattern.compile("<module>([^<]+)</module>")
                .matcher(Files.readString(ROOT.resolve("pom.xml")));
        int modules = 0;
        while (module.find()) {
            modules++;
            assertThat(dockerfile).contains("COPY " + module.group(1) + " " + module.group(1));
        }
        assertThat(modules).isGreaterThanOrEqualTo(9);
    }

    /**
     * Modules the image's runtime leaves out, with the only classes in the jar and the shipped
     * plugins that may refer to them: code paths the controller never runs. The container
     * suite runs every command in the image without these modules.
     */
    private static final Map<String, List<String>> LEFT_OUT = Map.of(
            // errorprone's annotations name javax.lang.model types; they are read by compilers only.
            "java.compiler", List.of("com.google.errorprone.annotations."),
            "java.desktop", List.of(
                    // Jackson loads it by name and goes without java.beans when that fails.
                    "com.fasterxml.jackson.databind.ext.Java7SupportImpl",
                    // An annotation on the web-identity token, which the controller never reads.
                    "io.minio.credentials.Jwt",
                    // A conversion to java.awt.Point for the geometric type, never called.
                    "org.postgresql.geometric.PGpoint",
                    // Jakarta Mail's handlers of image/gif and image/jpeg parts; notices are text.
                    "org.eclipse.angus.mail.handlers.image_"));

    /**
     * The image's runtime links the modules listed in docker/runtime-modules: every one jdeps
     * finds in the jar, and in the plugins the image ships (the SFTP plugin needs java.rmi,
     * which the controller does not), must be there, but for {@link #LEFT_OUT}, whose
     * referring classes are checked one by one, so that a new dependency on them fails here.
     */
    @Test
    void runtimeModulesCoverWhatJdepsFindsInTheJarAndTheShippedPlugins() throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jdeps")
                .toString(), "--multi-release", "17", "--ignore-missing-deps", "-verbose:class", "-q",
                ControllerProcess.jarPath().toString()));
        Path sftp = Path.of(System.getProperty("sftp.plugin.dir", "missing"));
        assertThat(dockerfile()).contains("/opt/pg-backup/plugins/sftp");
        try (var jars = Files.list(sftp)) {
            jars.map(Path::toString).sorted().forEach(command::add);
        }
        Exec.Result jdeps = Exec.run(new ProcessBuilder(command), null);
        assertThat(jdeps.exitCode()).as(jdeps.stderr()).isZero();
        // Lines of the form "   org.example.A   -> java.beans.Transient   java.desktop".
        Map<String, List<String>> referrers = new TreeMap<>();
        jdeps.stdout().lines().map(String::strip).map(l -> l.split("\\s+"))
                .filter(f -> f.length == 4 && f[1].equals("->") && f[3].matches("(java|jdk)\\.[\\w.]+"))
                .forEach(f -> referrers.computeIfAbsent(f[3], m -> new ArrayList<>()).add(f[0]));
        List<String> listed = Files.readAllLines(ROOT.resolve("docker/runtime-modules")).stream()
                .filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
        // What jlink links: the listed modules and those they require.
        Set<String> linked = java.lang.module.Configuration.empty().resolve(ModuleFinder.ofSystem(), ModuleFinder.of(), listed)
                .modules().stream().map(ResolvedModule::name).collect(Collectors.toSet());
        assertThat(referrers).containsKey("java.base").containsKey("java.sql");
        for (Map.Entry<String, List<String>> module : referrers.entrySet()) {
            if (linked.contains(module.getKey())) {
                continue;
            }
            assertThat(LEFT_OUT).as("docker/runtime-modules lacks %s, which %s need", module.getKey(),
                    module.getValue()).containsKey(module.getKey());
            List<String> allowed = LEFT_OUT.get(module.getKey());
            assertThat(module.getValue()).as("classes that need %s, which the image leaves out", module.getKey())
                    .allMatch(c -> allowed.stream().anyMatch(c::startsWith));
        }
        assertThat(listed).as("docker/runtime-modules").doesNotContainAnyElementsOf(LEFT_OUT.keySet());
    }

    @Test
    void scriptsPassShellcheck() {
        List<String> command = new ArrayList<>(List.of("shellcheck"));
        for (String script : List.of("controller", "demo", ".ci/run", "bench/run", "docker/bases/build",
                "docker/bases/postgres/docker-entrypoint.sh", "docker/bases/s3proxy/s3proxy", "docker/build-images")) {
            command.add(ROOT.resolve(script).toString());
        }
        Exec.Result check = Exec.run(new ProcessBuilder(command), null);
        assertThat(check.exitCode()).as(check.stdout() + check.stderr()).isZero();
    }

    /**
     * The launcher as the image runs it: the jar and plugin paths from the Dockerfile, and
     * the launcher's own JVM flags, which the Dockerfile must leave alone.
     */
    private Exec.Result launcher(Map<String, String> env, String... args) throws IOException {
        assertThat(dockerfile()).as("the image runs the launcher and keeps its JVM flags")
                .contains("ENTRYPOINT [\"/controller\"]").doesNotContain("JAVA_OPTS=").doesNotContain("-Xmx");
        return Launcher.run(root.resolve("plugins"), env, args);
    }

    @Test
    void launcherWithTheImagesFlagsRunsHelpAndHealth() throws IOException {
        assertThat(launcher(Map.of(), "--help").stdout()).contains("health").contains("start");
        assertThat(Path.of(ControllerProcess.jarPath() + ".jsa")).as("class-data sharing archive").isRegularFile();

        Map<String, String> env = app.env(root);
        env.put("MODE", "production");
        env.put("DATABASES_ROOT", root.resolve("databases").toString());
        Exec.Result stale = launcher(env, "health");
        assertThat(stale.exitCode()).as(stale.stdout() + stale.stderr()).isEqualTo(1);
        assertThat(stale.stdout()).contains("app: stale: no complete archive (limit 7h)");

        assertThat(launcher(env, "dump", "app").exitCode()).isZero();
        Exec.Result fresh = launcher(env, "health");
        assertThat(fresh.exitCode()).as(fresh.stdout() + fresh.stderr()).isZero();
        assertThat(fresh.stdout()).contains("app: fresh: newest complete archive file_");

        env.put("MODE", "prodution");
        Exec.Result broken = launcher(env, "health");
        assertThat(broken.exitCode()).as("health answers 0 or 1 only").isEqualTo(1);
    }
}
