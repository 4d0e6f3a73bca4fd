package org.pgbackup.it.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.pgbackup.it.status.StatusController.ADMIN_TOKEN;
import static org.pgbackup.it.status.StatusController.IMG_DB;
import static org.pgbackup.it.status.StatusController.READ_TOKEN;
import static org.pgbackup.it.status.StatusController.SCRIPT_DB;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The status page in a real headless browser (Debian's chromium, driven by chromium-driver
 * through Selenium): the statuses after a good run, a failed one and a running dump, the
 * plots, "Back up now" with the admin token, and names that are HTML running no script.
 * Screenshots of the overview and a service page go to {@code target/screenshots}.
 */
class StatusPageBrowserIT {
    private static final Duration BOUND = Duration.ofSeconds(90);
    private static final Path SCREENSHOTS = Path.of("target/screenshots");

    @TempDir
    static Path work;
    static StatusController status;
    static ChromeDriver browser;

    @BeforeAll
    static void start() throws IOException {
        status = StatusController.withNewCluster(work, 20000, java.util.Map.of());
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of(System.getProperty("chromedriver", "/usr/bin/chromedriver")).toFile())
                .usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions().setBinary(System.getProperty("chromium", "/usr/bin/chromium"))
                .addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                        "--user-data-dir=" + work.resolve("chromium"));
        browser = new ChromeDriver(service, options);
        browser.manage().window().setSize(new Dimension(1280, 860));
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterAll
    static void stop() throws IOException {
        if (browser != null) {
            browser.quit();
        }
        if (status != null) {
            status.close();
        }
    }

    /** Opens a page as a browser user does: the read token as the password of the browser's own login. */
    private static void open(String path) {
        browser.get("http://reader:" + READ_TOKEN + "@127.0.0.1:" + status.port() + path);
    }

    private static void screenshot(String name) throws IOException {
        Path shot = browser.getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(shot, SCREENSHOTS.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }

    private static String statusOf(String label) {
        for (WebElement row : browser.findElements(By.cssSelector("table.overview tbody tr"))) {
            List<WebElement> cells = row.findElements(By.tagName("td"));
            if (cells.get(0).getText().equals(label)) {
                return cells.get(1).getText();
            }
        }
        throw new AssertionError("no row " + label + " in " + browser.getPageSource());
    }

    private static void assertNoAlert() {
        assertThatThrownBy(() -> browser.switchTo().alert()).as("no script may open an alert")
                .isInstanceOf(NoAlertPresentException.class);
    }

    private static long archivesOf(String service) throws IOException {
        try (Stream<Path> files = Files.list(status.root().resolve("data").resolve(service))) {
            return files.filter(f -> f.getFileName().toString().matches("file_\\w+_.*\\.dump(\\.zst)?")).count();
        }
    }

    @Test
    void theOverviewShowsFreshFailedAndRunningServices() throws IOException {
        // Pages every reader sees alike are kept for a second: one drawn while another test's dump ran waits it out.
        new WebDriverWait(browser, BOUND).until(b -> {
            open("/");
            return statusOf("app").equals("fresh");
        });
        assertThat(statusOf("broken")).isEqualTo("failed");
        assertThat(statusOf("whole / shop")).isEqualTo("fresh");
        assertThat(browser.getTitle()).isEqualTo("Backups: 1 need attention");
        screenshot("overview.png");
        status.hold();
        try {
            assertThat(status.post("/api/v1/services/app/dumps", ADMIN_TOKEN).statusCode()).isEqualTo(202);
            new WebDriverWait(browser, BOUND).until(b -> {
                open("/");
                return statusOf("app").startsWith("running");
            });
            assertThat(browser.findElement(By.cssSelector("nav.filters a.running")).getText()).isEqualTo("running 1");
        } finally {
            status.release();
        }
        new WebDriverWait(browser, BOUND).until(b -> {
            open("/");
            return statusOf("app").equals("fresh");
        });
        browser.findElement(By.cssSelector("nav.filters a.failed")).click();
        assertThat(browser.findElements(By.cssSelector("table.overview tbody tr"))).hasSize(1);
        assertThat(statusOf("broken")).isEqualTo("failed");
    }

    @Test
    void namesThatAreHtmlAreShownAsTextAndRunNoScript() {
        open("/");
        assertNoAlert();
        String text = browser.findElement(By.cssSelector("table.overview")).getText();
        assertThat(text).contains("whole / " + SCRIPT_DB).contains("whole / " + IMG_DB);
        assertThat(browser.findElements(By.cssSelector("table.overview img"))).isEmpty();
        assertThat(browser.findElements(By.cssSelector("table.overview script"))).isEmpty();
        open("/services/whole");
        assertNoAlert();
        assertThat(browser.findElement(By.tagName("main")).getText()).contains(SCRIPT_DB).contains(IMG_DB);
        assertThat(browser.findElements(By.cssSelector("main img"))).isEmpty();
    }

    @Test
    void theServicePagePlotsOnePointPerRunAndBackUpNowMakesANewArchiveAppear() throws IOException {
        open("/services/app");
        int runs = browser.findElements(By.cssSelector("table tr.ok, table tr.failed, table tr.incomplete,"
                + " table tr.skipped")).size();
        List<WebElement> plots = browser.findElements(By.cssSelector("svg.plot"));
        assertThat(plots).hasSize(2);
        for (WebElement plot : plots) {
            assertThat(plot.findElements(By.tagName("circle"))).hasSize(runs);
        }
        screenshot("service.png");
        long before = archivesOf("app");
        int archiveRows = browser.findElements(By.xpath("//h2[text()='Archives and retention']/following-sibling::table[1]/tbody/tr")).size();
        browser.findElement(By.id("admin-token")).sendKeys(ADMIN_TOKEN);
        browser.findElement(By.id("dump-now")).click();
        new WebDriverWait(browser, BOUND).until(b -> b.findElements(By.xpath(
                "//h2[text()='Archives and retention']/following-sibling::table[1]/tbody/tr")).size() == archiveRows + 1);
        assertThat(archivesOf("app")).isEqualTo(before + 1);
        assertThat(browser.findElements(By.cssSelector("svg.plot")).get(0).findElements(By.tagName("circle")))
                .hasSize(runs + 1);
        assertThat(browser.getCurrentUrl()).doesNotContain(ADMIN_TOKEN);
        assertNoAlert();
    }

    @Test
    void onAPhoneTheOverviewKeepsTheServiceStatusAndAgeColumns() throws IOException {
        browser.manage().window().setSize(new Dimension(390, 844));
        try {
            open("/");
            WebElement firstRow = browser.findElement(By.cssSelector("table.overview tbody tr"));
            List<WebElement> cells = firstRow.findElements(By.tagName("td"));
            assertThat(cells.get(0).isDisplayed()).isTrue();
            assertThat(cells.get(1).isDisplayed()).isTrue();
            assertThat(cells.get(4).isDisplayed()).as("destinations are hidden on a narrow screen").isFalse();
            Long overflow = (Long) browser.executeScript(
                    "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
            assertThat(overflow).as("no sideways scrolling").isLessThanOrEqualTo(0L);
            screenshot("overview-phone.png");
        } finally {
            browser.manage().window().setSize(new Dimension(1280, 860));
        }
    }
}
