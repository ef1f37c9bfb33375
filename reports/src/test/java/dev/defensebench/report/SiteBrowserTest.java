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
import org.openqa.selenium.Dimension;
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
 * {@code ./run-tests} installs; found by {@link HeadlessChromium}): rows, sorting by a click, the board's
 * layout (one-line rows, the headline columns within a 1366 px window, a sticky header, the detail folded
 * away), an SVG curve on an entry page, a hostile model name shown as text, and no network request.
 * Screenshots are kept under {@code reports/target/browser-test/} as build artifacts.
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
        for (WebElement row : driver.findElements(By.cssSelector("table.board.headline tbody tr"))) {
            models.add(row.findElements(By.tagName("td")).get(1).findElement(By.tagName("code")).getText());
        }
        return models;
    }

    private static int columnIndex(String label) {
        List<WebElement> heads = driver.findElements(By.cssSelector("table.board.headline thead th"));
        for (int i = 0; i < heads.size(); i++) {
            if (heads.get(i).getText().replace("\u2195", "").replace('\n', ' ').trim().equals(label)) {
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
        // the sanity verdicts are there: the hostile entry's failed check makes its verdict "fail"
        assertThat(driver.findElements(By.cssSelector("table.board.headline .badge.fail"))).hasSize(1);
        screenshot("board.png");

        // clicking "Clean accuracy" sorts descending first, a second click ascending
        WebElement clean = driver.findElements(By.cssSelector("table.board.headline thead th")).get(columnIndex("Clean accuracy"));
        clean.click();
        assertThat(clean.getAttribute("aria-sort")).isEqualTo("descending");
        assertThat(modelColumn()).containsExactly("vanilla/lenet/s0", "deep-defense/lenet/s0", SiteFixture.EVIL);
        clean.click();
        assertThat(clean.getAttribute("aria-sort")).isEqualTo("ascending");
        assertThat(modelColumn()).containsExactly(SiteFixture.EVIL, "deep-defense/lenet/s0", "vanilla/lenet/s0");
        // text column: model ids ascending
        WebElement model = driver.findElements(By.cssSelector("table.board.headline thead th")).get(columnIndex("Model"));
        model.click();
        assertThat(modelColumn()).containsExactly(SiteFixture.EVIL, "deep-defense/lenet/s0", "vanilla/lenet/s0");
        screenshot("board-sorted.png");

        // the changes section flags the robust-accuracy drop against the previous run
        assertThat(driver.findElement(By.id("changes")).getText()).contains("REGRESSION");
        assertNoNetwork();
    }

    @Test
    void boardRowsAreOneLineAndTheHeadlineColumnsFitA1366PxWindow() throws IOException {
        List<SiteFixture.Entry> entries = new ArrayList<>(SiteFixture.ENTRIES);
        for (String defense : List.of("fgsm-adversarial", "pgd-adversarial", "trades", "parseval")) {
            for (int seed = 0; seed < 3; seed++) {
                entries.add(new SiteFixture.Entry(defense + "/mlp/s" + seed, defense, 0.97 - 0.01 * seed,
                        0.2 + 0.1 * seed, 0.02 + seed));
            }
        }
        Path results = SiteFixture.write(dir.resolve("layout-run"), entries, true, true, true, 1, 1,
                Instant.parse("2026-11-25T12:00:00Z"));
        Path layout = dir.resolve("layout-site");
        Site.write(ResultSet.read(results), List.of(), layout, Instant.now());
        driver.get(layout.resolve("index.html").toUri().toString());

        driver.manage().window().setSize(new Dimension(1600, 1200));
        List<WebElement> rows = driver.findElements(By.cssSelector("table.board.headline tbody tr"));
        assertThat(rows).hasSize(entries.size());
        for (WebElement row : rows) {
            assertThat(row.getSize().getHeight()).as("row height of %s", row.getText()).isLessThanOrEqualTo(40);
        }
        screenshot("board-1600x1200.png");

        driver.manage().window().setSize(new Dimension(1366, 768));
        assertThat(number("return window.innerWidth")).isLessThanOrEqualTo(1366);
        List<String> heads = driver.findElements(By.cssSelector("table.board.headline thead th")).stream()
                .map(h -> h.getText().replace("\u2195", "").replace('\n', ' ').trim()).toList();
        assertThat(heads).containsExactly("#", "Model", "Defense", "Architecture", "Clean accuracy",
                "Worst case ℓ∞ ε=0.1", "Worst case ℓ2 ε=0.5", "ρ2 (DeepFool)", "Sanity", "Training time", "Latency");
        double right = number("return Math.max(...Array.from(document.querySelectorAll('table.board.headline th'),"
                + " h => h.getBoundingClientRect().right))");
        assertThat(right).as("right edge of the headline columns").isLessThanOrEqualTo(1366)
                .isLessThanOrEqualTo(number("return window.innerWidth"));
        assertThat(number("return document.documentElement.scrollWidth"))
                .as("no horizontal scrolling").isLessThanOrEqualTo(number("return document.documentElement.clientWidth"));
        for (WebElement row : driver.findElements(By.cssSelector("table.board.headline tbody tr"))) {
            assertThat(row.getSize().getHeight()).as("row height at 1366 px").isLessThanOrEqualTo(40);
        }
        double natural = number("const t = document.querySelector('table.board.headline'); t.style.width = 'auto';"
                + " const w = t.getBoundingClientRect().width; t.style.width = ''; return w");
        System.out.printf(java.util.Locale.ROOT, "[layout] 1366 px window: headline columns end at %.0f px (the table"
                + " needs %.0f px), rows %s px high%n", right, natural, driver.findElements(By.cssSelector("table.board.headline tbody tr")).stream()
                .map(r -> r.getSize().getHeight()).distinct().toList());
        screenshot("board-1366x768.png");

        // the per-attack × ε detail is folded away until opened
        WebElement detail = driver.findElement(By.cssSelector("table.board.detail"));
        assertThat(detail.isDisplayed()).isFalse();
        driver.findElement(By.cssSelector("details.detail > summary")).click();
        assertThat(detail.isDisplayed()).isTrue();
        assertThat(detail.findElement(By.tagName("thead")).getText()).contains("FGSM ε=0.3", "DeepFool ε=2", "Throughput");

        // the header sticks to the top of the window once the table scrolls under it
        driver.manage().window().setSize(new Dimension(1366, 500));
        ((JavascriptExecutor) driver).executeScript("window.scrollTo(0, window.scrollY"
                + " + document.querySelector('table.board.headline').getBoundingClientRect().top + 120)");
        assertThat(number("return document.querySelector('table.board.headline').getBoundingClientRect().top"))
                .isLessThan(-100);
        assertThat(number("return document.querySelector('table.board.headline th').getBoundingClientRect().top"))
                .isCloseTo(0, org.assertj.core.data.Offset.offset(1.0));
        screenshot("board-sticky-header.png");
        assertNoNetwork();
    }

    private static double number(String script) {
        return ((Number) ((JavascriptExecutor) driver).executeScript(script)).doubleValue();
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
