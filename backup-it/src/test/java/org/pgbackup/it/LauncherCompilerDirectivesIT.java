package org.pgbackup.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher keeps the status page's request path off the JIT's optimising compiler (C2)
 * for {@code start}, through the compiler directives in {@code controller-jit.json}: under
 * load that path is compiled by C1 alone. A launcher copied without the file lets C2 compile
 * it, which shows that the load is enough to get it there. Both read from the JVM's own
 * compilation log ({@code -XX:+PrintCompilation}), not from anything the controller says.
 */
class LauncherCompilerDirectivesIT {
    /** The JDK server's loop over one exchange: run for every request. */
    private static final String EXCHANGE = "sun.net.httpserver.ServerImpl$Exchange::run";
    /** How long start may take to serve, and the load to get the exchange compiled: it takes seconds. */
    private static final Duration BOUND = Duration.ofSeconds(90);
    /**
     * The compilation log, and thresholds a tenth of the default: the JIT's tiers are reached
     * after the same share of requests, so a busy machine gets there well within the bound.
     */
    private static final String JIT_OPTS = "-XX:+PrintCompilation -XX:CompileThresholdScaling=0.1";
    /** A line of the compilation log: time, compile id, attributes, tier, method. */
    private static final Pattern COMPILED = Pattern.compile("(?m)^\\s*\\d+\\s+\\d+\\s+(?:[%sbn!]\\s*)*(\\d)\\s+(\\S+::\\S+)");

    @TempDir
    Path root;

    @Test
    void underLoadTheStatusPagesRequestPathIsCompiledByC1AloneAndByC2WithoutTheDirectives() throws Exception {
        Path launcher = ContainerFilesIT.ROOT.resolve("controller");
        Path bare = Files.copy(launcher, Files.createDirectories(root.resolve("bare")).resolve("controller"),
                StandardCopyOption.COPY_ATTRIBUTES);

        Served kept = serveUntilCompiled(launcher, "kept");
        Served free = serveUntilCompiled(bare, "free");

        assertThat(kept.tiers(EXCHANGE)).as(kept.toString()).contains(1).doesNotContain(4);
        assertThat(kept.methodsAtTier(4)).as("compiled by C2").noneMatch(m -> m.startsWith("sun.net.httpserver.")
                || m.startsWith("com.sun.net.httpserver.") || m.startsWith("org.pgbackup.status."));
        assertThat(kept.stderr()).contains("1 compiler directives added");
        assertThat(free.tiers(EXCHANGE)).as(free.toString()).contains(4);
        assertThat(free.stderr()).doesNotContain("compiler directives");
    }

    /** What {@code start} wrote: the compilation log is on stdout without the directives, on stderr with them. */
    record Served(String stdout, String stderr) {
        /** Each method the log shows compiled, with the tiers it was compiled at. */
        private Map<String, Set<Integer>> compiled() {
            Map<String, Set<Integer>> compiled = new TreeMap<>();
            Matcher line = COMPILED.matcher(stdout + "\n" + stderr);
            while (line.find()) {
                compiled.computeIfAbsent(line.group(2), m -> new TreeSet<>()).add(Integer.parseInt(line.group(1)));
            }
            return compiled;
        }

        private Set<Integer> tiers(String method) {
            return compiled().getOrDefault(method, Set.of());
        }

        private Set<String> methodsAtTier(int tier) {
            Set<String> methods = new TreeSet<>();
            compiled().forEach((method, tiers) -> {
                if (tiers.contains(tier)) {
                    methods.add(method);
                }
            });
            return methods;
        }

        @Override
        public String toString() {
            return "tiers of " + EXCHANGE + ": " + tiers(EXCHANGE);
        }
    }

    /**
     * Runs {@code start} with its page through this launcher and asks for the page until the
     * compilation log shows the server's exchange compiled for good, past C1's profiling tier
     * (3): by C1 alone (1) or by C2 (4).
     */
    private Served serveUntilCompiled(Path launcher, String name) throws Exception {
        Path dir = Files.createDirectories(root.resolve(name));
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Map<String, String> env = Map.of("DATABASE_LIST", "app", "BACKUP_ROOT", dir.resolve("backup").toString(),
                "DATABASES_ROOT", dir.resolve("databases").toString(), "HOOKS_DIR", dir.resolve("hooks").toString(),
                "HTTP_PORT", Integer.toString(port), "HTTP_ADDRESS", "127.0.0.1", "JAVA_OPTS", JIT_OPTS);
        Path out = dir.resolve("stdout");
        Path err = dir.resolve("stderr");
        Process start = Launcher.builder(List.of(launcher.toString(), "start"), root.resolve("plugins"), env)
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            Waiting.until("start to serve its page", BOUND, () -> !start.isAlive()
                    || read(err).contains("Waiting for a stop signal"), () -> read(err));
            assertThat(start.isAlive()).as("start ended: %s", read(err)).isTrue();
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpRequest page = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).build();
            Waiting.until(EXCHANGE + " compiled past profiling", BOUND, () -> {
                ask(http, page, 500);
                return new Served(read(out), read(err)).tiers(EXCHANGE).stream().anyMatch(t -> t == 1 || t == 4);
            }, () -> new Served(read(out), read(err)).toString());
        } finally {
            start.destroy();
            if (!start.waitFor(60, TimeUnit.SECONDS)) {
                start.destroyForcibly();
            }
        }
        return new Served(read(out), read(err));
    }

    /** Asks for the page this many times, one after another, each answered 200. */
    private static void ask(HttpClient http, HttpRequest page, int times) {
        try {
            for (int i = 0; i < times; i++) {
                assertThat(http.send(page, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("Interrupted while asking for the page", e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
