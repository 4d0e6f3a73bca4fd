package org.pgbackup.it.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.pgbackup.it.status.StatusController.ADMIN_TOKEN;
import static org.pgbackup.it.status.StatusController.IMG_DB;
import static org.pgbackup.it.status.StatusController.READ_TOKEN;
import static org.pgbackup.it.status.StatusController.SCRIPT_DB;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pgbackup.it.ControllerProcess;
import org.pgbackup.it.JsonField;
import org.pgbackup.it.Sha256Sum;
import org.pgbackup.it.Waiting;

/**
 * The status page and API of {@code start} over real HTTP, against a real cluster: what each
 * service shows, the tokens, "back up now", a history cut in half, names that are HTML, no
 * secret in any answer, and answers under load while a dump runs.
 */
class StatusPageIT {
    private static final Duration BOUND = Duration.ofSeconds(90);

    @TempDir
    static Path work;
    static StatusController status;

    @BeforeAll
    static void startController() throws IOException {
        status = StatusController.withNewCluster(work, 5000, Map.of("MODE", "production", "TZ", "UTC",
                "BACKUP_SCHEDULE", "0 0 1 1 *"));
    }

    @AfterAll
    static void stop() throws IOException {
        if (status != null) {
            status.close();
        }
    }


    /** Starts a dump over HTTP and follows it to its end; the run's final JSON. */
    private static String dumpNow(String service) {
        HttpResponse<String> started = status.post("/api/v1/services/" + service + "/dumps", ADMIN_TOKEN);
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        String href = started.headers().firstValue("Location").orElseThrow();
        assertThat(href).isEqualTo("/api/v1/runs/" + JsonField.of(started.body(), "id"));
        Waiting.until("the dump to end", BOUND, () -> !JsonField.of(status.get(href, READ_TOKEN).body(), "state")
                .equals("running"), status::log);
        return status.get(href, READ_TOKEN).body();
    }

    /** The runs in a history file, counted by a parser of its own. */
    private static int runsIn(Path file) throws IOException {
        int runs = 0;
        try (JsonParser json = new JsonFactory().createParser(Files.readAllBytes(file))) {
            assertThat(json.nextToken()).isEqualTo(JsonToken.START_ARRAY);
            while (json.nextToken() == JsonToken.START_OBJECT) {
                json.skipChildren();
                runs++;
            }
        }
        return runs;
    }

    /**
     * Waits until the overview's services show no dump running: pages every reader sees alike
     * are kept for a second, so one drawn as another test's dump ended may still show it.
     */
    private static void settled() {
        Waiting.until("no dump running", BOUND, () -> !status.get("/api/v1/services", READ_TOKEN).body()
                .contains("\"status\":\"running\""), status::log);
    }

    @Test
    void theApiGivesEachServiceAndEachDatabaseOfTheWholeServerServiceWithItsStatus() {
        settled();
        HttpResponse<String> services = status.get("/api/v1/services", READ_TOKEN);
        assertThat(services.statusCode()).isEqualTo(200);
        assertThat(services.headers().firstValue("Content-Type")).contains("application/json");
        String body = services.body();
        assertThat(body).contains("{\"name\":\"app\",\"status\":\"fresh\"")
                .contains("{\"name\":\"broken\",\"status\":\"failed\"")
                .contains("{\"name\":\"whole\",\"status\":\"fresh\"")
                .contains("{\"database\":\"shop\",\"status\":\"fresh\"")
                .contains("{\"database\":\"<script>alert(1)</script>\",\"status\":\"fresh\"")
                .contains("{\"database\":\"\\\"><img src=x onerror=alert(1)>\",\"status\":\"fresh\"");
        assertThat(body.substring(body.indexOf("\"name\":\"broken\""))).contains("Cannot connect to service 'broken'");
        // MODE=production with BACKUP_SCHEDULE="0 0 1 1 *" in UTC: the next run is the coming first of January.
        String nextYear = java.time.Year.now(java.time.ZoneOffset.UTC).plusYears(1) + "-01-01T00:00:00Z";
        assertThat(JsonField.of(body, "nextRun")).isEqualTo(nextYear);
    }

    @Test
    void theOverviewShowsEveryRowWithNamesThatAreHtmlEscapedAndAStrictPolicy() {
        settled();
        StatusController.sleep(1100);
        HttpResponse<String> page = status.get("/", READ_TOKEN);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Security-Policy")).contains("default-src 'none'; script-src"
                + " 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'none';"
                + " frame-ancestors 'none'; base-uri 'none'");
        assertThat(page.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
        String html = page.body();
        assertThat(html).contains(">app</a>", ">whole</a>", ">broken</a>", ">whole / shop</a>")
                .contains(">whole / &lt;script&gt;alert(1)&lt;/script&gt;</a>")
                .contains(">whole / &quot;&gt;&lt;img src=x onerror=alert(1)&gt;</a>")
                .doesNotContain(SCRIPT_DB).doesNotContain("<img").doesNotContain("onerror=alert(1)>");
        assertThat(html).containsPattern("<tr class=failed><td><a href=\"/services/broken\">broken</a><td><b>failed</b>");
        // The only scripts are the page's own file; nothing inline.
        assertThat(Pattern.compile("<script").matcher(html).results().count()).isEqualTo(1);
        assertThat(html).contains("<script src=\"/static/status.js\" defer></script>");
        HttpResponse<String> failed = status.get("/?status=failed", READ_TOKEN);
        assertThat(failed.body()).contains(">broken</a>").doesNotContain(">app</a>");
    }

    @Test
    void missingWrongAndTruncatedTokensGet401WithoutAHintAndAPostWithTheReadTokenGets403() {
        List<Optional<String>> bad = List.of(Optional.empty(), Optional.of("Bearer wrong-token-0123456789"),
                Optional.of("Bearer " + READ_TOKEN.substring(0, READ_TOKEN.length() - 1)),
                Optional.of("Bearer " + READ_TOKEN + "x"), Optional.of("Bearer "), Optional.of(READ_TOKEN),
                Optional.of("Basic " + java.util.Base64.getEncoder().encodeToString("u:wrong".getBytes())));
        for (Optional<String> authorization : bad) {
            for (String path : List.of("/", "/services/app", "/api/v1/services", "/api/v1/services/app/runs")) {
                HttpResponse<String> answer = status.send(HttpRequest.newBuilder(status.uri(path)).GET(), authorization);
                assertThat(answer.statusCode()).as(path + " with " + authorization).isEqualTo(401);
                assertThat(answer.body()).doesNotContain(READ_TOKEN.substring(0, 8)).doesNotContain("read-token")
                        .doesNotContain(ADMIN_TOKEN.substring(0, 8));
                assertThat(answer.headers().firstValue("WWW-Authenticate")).isPresent();
            }
            HttpResponse<String> post = status.send(HttpRequest.newBuilder(status.uri("/api/v1/services/app/dumps"))
                    .POST(HttpRequest.BodyPublishers.noBody()), authorization);
            assertThat(post.statusCode()).as("POST with " + authorization).isEqualTo(401);
        }
        HttpResponse<String> reader = status.post("/api/v1/services/app/dumps", READ_TOKEN);
        assertThat(reader.statusCode()).isEqualTo(403);
        assertThat(reader.body()).contains("needs the admin token");
        assertThat(status.get("/api/v1/services", ADMIN_TOKEN).statusCode()).as("the admin token reads too")
                .isEqualTo(200);
        String basic = "Basic " + java.util.Base64.getEncoder().encodeToString(("anyone:" + READ_TOKEN).getBytes());
        assertThat(status.send(HttpRequest.newBuilder(status.uri("/")).GET(), Optional.of(basic)).statusCode())
                .as("a browser's login with the token as password").isEqualTo(200);
        assertThat(status.get("/static/status.css", null).statusCode()).as("the stylesheet holds nothing secret")
                .isEqualTo(200);
    }

    @Test
    void backUpNowStoresANewArchiveWhoseDigestIsSha256sumOfTheStoredFile() throws IOException {
        String run = dumpNow("app");
        assertThat(JsonField.of(run, "state")).as(run).isEqualTo("ok");
        String archive = JsonField.of(run, "archive");
        Path stored = status.root().resolve("data/app").resolve(archive);
        assertThat(stored).exists();
        assertThat(JsonField.of(run, "sha256")).isEqualTo(Sha256Sum.of(stored));
        String runs = status.get("/api/v1/services/app/runs", READ_TOKEN).body();
        assertThat(JsonField.of(runs, "archive")).as("the newest run of the history").isEqualTo(archive);
        assertThat(status.get("/api/v1/services/app/archives", READ_TOKEN).body()).contains("\"path\":\"" + archive + "\"");
        assertThat(status.get("/api/v1/runs/00000000-0000-0000-0000-000000000000", READ_TOKEN).statusCode())
                .isEqualTo(404);
        assertThat(status.post("/api/v1/services/nothing/dumps", ADMIN_TOKEN).statusCode()).isEqualTo(404);
    }

    @Test
    void aSecondDumpWhileOneRunsIs409AndTheRunningOneShowsOnThePage() throws IOException {
        status.hold();
        try {
            HttpResponse<String> first = status.post("/api/v1/services/app/dumps", ADMIN_TOKEN);
            assertThat(first.statusCode()).isEqualTo(202);
            HttpResponse<String> second = status.post("/api/v1/services/app/dumps", ADMIN_TOKEN);
            assertThat(second.statusCode()).as(second.body()).isEqualTo(409);
            assertThat(second.body()).contains("A dump of app is running");
            Waiting.until("app shown as running", BOUND, () -> status.get("/", READ_TOKEN).body()
                    .contains("<tr class=running><td><a href=\"/services/app\">"), status::log);
        } finally {
            status.release();
        }
        Waiting.until("the held dump to end", BOUND, () -> !status.get("/api/v1/services/app", READ_TOKEN).body()
                .contains("\"status\":\"running\""), status::log);
    }

    @Test
    void theServicePagePlotsOnePointPerRunInEachPlot() throws IOException {
        dumpNow("app");
        int runs = runsIn(status.root().resolve("data/app/.pgbackup/runs.json"));
        String page = status.get("/services/app", READ_TOKEN).body();
        List<String> plots = new ArrayList<>();
        Matcher svg = Pattern.compile("<svg class=plot.*?</svg>").matcher(page);
        while (svg.find()) {
            plots.add(svg.group());
        }
        assertThat(plots).hasSize(2);
        for (String plot : plots) {
            assertThat(Pattern.compile("<circle ").matcher(plot).results().count()).isEqualTo(Math.min(90, runs));
        }
        assertThat(page).contains("Archive size", "Dump duration", "Back up now", "Archives and retention");
    }

    @Test
    void aHistoryCutInHalfShowsWhatItCanSaysSoAndTheNextRunWritesItWhole() throws IOException {
        dumpNow("app");
        dumpNow("app");
        Path file = status.root().resolve("data/app/.pgbackup/runs.json");
        int before = runsIn(file);
        byte[] whole = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(whole, whole.length / 2));
        String page = status.get("/services/app", READ_TOKEN).body();
        assertThat(page).contains("1 record of the run history could not be read");
        assertThat(page).contains("<h2>Run history</h2><table>");
        String run = dumpNow("app");
        assertThat(JsonField.of(run, "state")).isEqualTo("ok");
        int after = runsIn(file);
        assertThat(after).as("the readable half and the new run").isBetween(2, before);
        assertThat(status.get("/services/app", READ_TOKEN).body()).doesNotContain("could not be read");
    }

    @Test
    void withoutTokensThePageIsOpenWithAWarningAndNothingCanBeStarted(@TempDir Path output) throws IOException {
        Map<String, String> env = new java.util.HashMap<>(status.cluster().serviceEnvironment("app"));
        int port = StatusController.freePort();
        env.putAll(Map.of("DATABASE_LIST", "app", "BACKUP_ROOT", status.root().toString(), "HTTP_PORT",
                Integer.toString(port), "HEALTH_MAX_AGE", "1"));
        try (ControllerProcess.Background open = ControllerProcess.fromSystemProperty().start(output, env, "start")) {
            Waiting.until("the page to be served", BOUND, () -> open.log().contains("Serving the status page"),
                    open::log);
            assertThat(open.log()).contains("The status page and API on port " + port + " are open to anyone who can"
                    + " reach it: set HTTP_READ_TOKEN, or HTTP_ADDRESS=127.0.0.1 behind a proxy");
            HttpRequest.Builder page = HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/"));
            HttpResponse<String> open200 = status.send(page.GET(), Optional.empty());
            assertThat(open200.statusCode()).isEqualTo(200);
            // HEALTH_MAX_AGE=1 (second): the archives dumped before this controller started are older.
            assertThat(open200.body()).contains("<tr class=stale><td><a href=\"/services/app\">app</a><td><b>stale</b>");
            HttpResponse<String> api = status.send(HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:"
                    + port + "/api/v1/services")).GET(), Optional.empty());
            assertThat(api.body()).contains("{\"name\":\"app\",\"status\":\"stale\",\"detail\":\"the newest complete"
                    + " archive is older than 1.0 s\"");
            HttpResponse<String> post = status.send(HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:"
                    + port + "/api/v1/services/app/dumps")).POST(HttpRequest.BodyPublishers.noBody()),
                    Optional.of("Bearer " + ADMIN_TOKEN));
            assertThat(post.statusCode()).isEqualTo(403);
            assertThat(post.body()).contains("Starting dumps over HTTP is off: set HTTP_ADMIN_TOKEN");
            open.terminate();
            assertThat(open.waitFor(BOUND)).as("it stops on SIGTERM").isNotEqualTo(-1);
        }
    }

    @Test
    void noPasswordOrTokenInAnyPageOrAnswer() {
        List<String> bodies = new ArrayList<>();
        for (String path : List.of("/", "/services/app", "/services/whole", "/services/broken", "/api/v1/services",
                "/api/v1/services/broken", "/api/v1/services/app/runs", "/api/v1/services/whole/archives")) {
            HttpResponse<String> answer = status.get(path, ADMIN_TOKEN);
            assertThat(answer.statusCode()).as(path).isEqualTo(200);
            bodies.add(answer.body());
        }
        assertThat(bodies).allSatisfy(body -> assertThat(body).doesNotContain(StatusController.CLUSTER_PASSWORD)
                .doesNotContain("broken-secret-pw").doesNotContain(READ_TOKEN).doesNotContain(ADMIN_TOKEN));
        assertThat(status.log()).doesNotContain(StatusController.CLUSTER_PASSWORD).doesNotContain(READ_TOKEN)
                .doesNotContain(ADMIN_TOKEN);
    }

    @Test
    void twoHundredRequestsASecondWhileADumpRunsAreEachAnsweredCorrectly() throws Exception {
        status.hold();
        ExecutorService clients = Executors.newFixedThreadPool(8);
        String href;
        try {
            HttpResponse<String> started = status.post("/api/v1/services/whole/dumps", ADMIN_TOKEN);
            assertThat(started.statusCode()).isEqualTo(202);
            href = started.headers().firstValue("Location").orElseThrow();
            List<Future<HttpResponse<String>>> answers = new ArrayList<>();
            long begin = System.nanoTime();
            for (int i = 0; i < 600; i++) {
                long due = begin + i * 5_000_000L;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                answers.add(clients.submit(() -> status.get("/", READ_TOKEN)));
            }
            for (Future<HttpResponse<String>> answer : answers) {
                HttpResponse<String> page = answer.get();
                assertThat(page.statusCode()).isEqualTo(200);
                assertThat(page.body()).contains(">app</a>", ">broken</a>", ">whole / shop</a>").endsWith("</html>");
            }
        } finally {
            clients.shutdownNow();
            status.release();
        }
        // The others see no dump of whole running once this test is over.
        String run = href;
        Waiting.until("the held dump to end", BOUND, () -> !JsonField.of(status.get(run, READ_TOKEN).body(), "state")
                .equals("running"), status::log);
    }

    /**
     * The server reads requests on the thread that answers from memory: one client that sends
     * half a request holds the others up for at most the server's 10 s, then is cut off.
     */
    @Test
    void aClientThatSendsHalfARequestIsCutOffAndHoldsNobodyUpForLong() throws IOException {
        try (Socket half = new Socket("127.0.0.1", status.port())) {
            half.getOutputStream().write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.US_ASCII));
            half.getOutputStream().flush();
            HttpResponse<String> page = status.get("/", READ_TOKEN);
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains(">app</a>").endsWith("</html>");
            half.setSoTimeout(30_000);
            assertThat(closedByServer(half.getInputStream())).as("the half request's connection is closed").isTrue();
        }
    }

    private static boolean closedByServer(InputStream in) throws IOException {
        try {
            return in.read() == -1;
        } catch (SocketException reset) {
            return true;
        }
    }
}
