package dev.defensebench.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * The site in real headless Chromium (Debian {@code chromium} + {@code chromium-driver}, which
 * {@code ./run-tests} installs; found by {@link HeadlessChromium}): rows, sorting by a click, an SVG curve on an entry page, a hostile model
 * name shown as text, and no network request. Screenshots are kept under
 * {@code reports/target/browser-test/} as build artifacts.
 */
class SiteBrowserTest {

    private static final Path ARTIFACTS = Path.of("target", "browser-test");

    @TempDir
    static Path dir;

    private static HeadlessChromium.Lookup chromium;
    private static ChromeDriver driver;
    private static Path site;

    @BeforeAll
    static void start() throws IOException {
        Path results = SiteFixture.write(dir.resolve("run"), SiteFixture.ENTRIES, true, true, true, 1, 1,
                Instant.parse("2026-11-25T12:00:00Z"));
        Path previous = SiteFixture.write(dir.resolve("previous"), SiteFixture.ENTRIES, true, true, true, 1.3, 0.5,
                Instant.parse("2026-11-24T12:00:00Z"));
        site = dir.resolve("site");
        Site.write(ResultSet.read(results), List.of(ResultSet.read(previous)), site, Instant.now());

        chromium = HeadlessChromium.locate();
        if (chromium.binaries().isEmpty()) {
            return;
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.binaries().get().browser().toString());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1600,1000", "--no-first-run", "--disable-extensions", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-default-apps");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.PERFORMANCE, Level.ALL);
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(chromium.binaries().get().driver().toFile()).build();
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        Files.createDirectories(ARTIFACTS);
    }

    @BeforeEach
    void needsTheBrowser() {
        chromium.assumeFound();
    }

    @AfterAll
    static void stop() {
        if (driver != null) {
            driver.quit();
        }
    }

    private static List<String> modelColumn() {
        List<String> models = new ArrayList<>();
        for (WebElement row : driver.findElements(By.cssSelector("table.board tbody tr"))) {
            models.add(row.findElements(By.tagName("td")).get(1).findElement(By.tagName("code")).getText());
        }
        return models;
    }

    private static int columnIndex(String label) {
        List<WebElement> heads = driver.findElements(By.cssSelector("table.board thead th"));
        for (int i = 0; i < heads.size(); i++) {
            if (heads.get(i).getText().replace("\u2195", "").trim().equals(label)) {
                return i;
            }
        }
        throw new AssertionError("no column '" + label + "'");
    }

    private static void screenshot(String name) throws IOException {
        Path shot = driver.getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(shot, ARTIFACTS.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void boardRowsSortingEscapingAndNoNetwork() throws IOException {
        driver.get(site.resolve("index.html").toUri().toString());
        assertThat(driver.getTitle()).contains("nightly");
        // ranked by the per-point worst case
        assertThat(modelColumn()).containsExactly("deep-defense/lenet/s0", SiteFixture.EVIL, "vanilla/lenet/s0");
        // the hostile name is text, not an element
        assertThat(driver.findElements(By.cssSelector("table.board img"))).isEmpty();
        assertThat(driver.getPageSource()).doesNotContain("<img src=\"x\"");
        assertThat((Object) ((JavascriptExecutor) driver).executeScript("return window.alertFired === true")).isEqualTo(false);
        // the sanity badges are there
        assertThat(driver.findElements(By.cssSelector("table.board .badge.fail"))).hasSize(1);
        screenshot("board.png");

        // clicking "Clean accuracy" sorts descending first, a second click ascending
        WebElement clean = driver.findElements(By.cssSelector("table.board thead th")).get(columnIndex("Clean accuracy"));
        clean.click();
        assertThat(clean.getAttribute("aria-sort")).isEqualTo("descending");
        assertThat(modelColumn()).containsExactly("vanilla/lenet/s0", "deep-defense/lenet/s0", SiteFixture.EVIL);
        clean.click();
        assertThat(clean.getAttribute("aria-sort")).isEqualTo("ascending");
        assertThat(modelColumn()).containsExactly(SiteFixture.EVIL, "deep-defense/lenet/s0", "vanilla/lenet/s0");
        // text column: model ids ascending
        WebElement model = driver.findElements(By.cssSelector("table.board thead th")).get(columnIndex("Model"));
        model.click();
        assertThat(modelColumn()).containsExactly(SiteFixture.EVIL, "deep-defense/lenet/s0", "vanilla/lenet/s0");
        screenshot("board-sorted.png");

        // the changes section flags the robust-accuracy drop against the previous run
        assertThat(driver.findElement(By.id("changes")).getText()).contains("REGRESSION");
        assertNoNetwork();
    }

    @Test
    void entryPageShowsAnSvgCurveAndTheGallery() throws IOException {
        driver.get(site.resolve("index.html").toUri().toString());
        driver.findElement(By.linkText("deep-defense/lenet/s0")).click();
        assertThat(driver.getCurrentUrl()).endsWith("entries/deep-defense-lenet-s0.html");
        List<WebElement> charts = driver.findElements(By.cssSelector("#curves svg.chart"));
        assertThat(charts).hasSize(2);
        WebElement chart = charts.get(0);
        assertThat(chart.isDisplayed()).isTrue();
        assertThat(chart.getSize().getWidth()).isGreaterThan(300);
        assertThat(chart.findElements(By.cssSelector("polyline")).size()).isGreaterThanOrEqualTo(2);
        assertThat(chart.getText()).contains("robust accuracy", "worst case (per point)");
        List<WebElement> images = driver.findElements(By.cssSelector("#gallery img"));
        assertThat(images).hasSize(3);
        for (WebElement img : images) {
            Object width = ((JavascriptExecutor) driver).executeScript("return arguments[0].naturalWidth", img);
            assertThat(((Number) width).intValue()).isEqualTo(28); // the inline PNG decoded
        }
        assertThat(driver.findElement(By.id("sanity")).getText()).contains("pgd-stronger-than-fgsm", "0.031");
        screenshot("entry.png");

        // the hostile entry's page shows its name as text
        driver.navigate().back();
        driver.findElement(By.linkText(SiteFixture.EVIL)).click();
        assertThat(driver.findElement(By.tagName("h1")).getText()).isEqualTo(SiteFixture.EVIL);
        assertThat(driver.findElements(By.cssSelector("h1 img"))).isEmpty();
        assertNoNetwork();
    }

    /** Every request the pages made was to a file: or data: URL (no http, no CDN). */
    private static void assertNoNetwork() {
        List<String> urls = new ArrayList<>();
        for (LogEntry entry : driver.manage().logs().get(LogType.PERFORMANCE)) {
            String message = entry.getMessage();
            if (message.contains("\"Network.requestWillBeSent\"")) {
                int at = message.indexOf("\"url\":\"");
                if (at >= 0) {
                    urls.add(message.substring(at + 7, message.indexOf('"', at + 7)));
                }
            }
        }
        assertThat(urls).isNotEmpty();
        assertThat(urls).allSatisfy(u -> assertThat(u).matches("(file|data):.*"));
        List<LogEntry> errors = driver.manage().logs().get(LogType.BROWSER).getAll();
        assertThat(errors).as("console messages").extracting(LogEntry::getMessage)
                .noneMatch(m -> m.contains("Refused") || m.contains("Uncaught"));
        assertThat(Map.of()).isEmpty();
    }
}
