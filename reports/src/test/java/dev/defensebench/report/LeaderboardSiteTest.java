package dev.defensebench.report;

import static dev.defensebench.report.TestRows.attack;
import static dev.defensebench.report.TestRows.clean;
import static dev.defensebench.report.TestRows.row;
import static dev.defensebench.report.TestRows.summary;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LeaderboardSiteTest {

    private static final Instant WHEN = Instant.parse("2026-11-25T12:34:56.789Z");

    @TempDir
    Path dir;

    private final List<ResultRow> rows = List.of(
            clean("vanilla/lenet/s0", "vanilla", 0.99),
            attack("vanilla/lenet/s0", "vanilla", "fgsm", "Linf", 0.1, 0.99, 0.20),
            row("vanilla/lenet/s0", "vanilla", "deepfool", "L2", 1.0, 0.99, 0.05, 0.2),
            clean("deep-defense/lenet/s0", "deep-defense", 0.985),
            attack("deep-defense/lenet/s0", "deep-defense", "fgsm", "Linf", 0.1, 0.985, 0.70),
            row("deep-defense/lenet/s0", "deep-defense", "deepfool", "L2", 1.0, 0.985, 0.40, 0.123),
            clean("<script>alert(1)</script>", "evil & co", 0.5),
            attack("<script>alert(1)</script>", "evil & co", "fgsm", "Linf", 0.1, 0.5, 0.45));

    @Test
    void writesIndexAndResultsCsv() throws IOException {
        Path site = dir.resolve("site");
        LeaderboardSite.write(site, "nightly \"MNIST\"", rows,
                List.of(summary("deep-defense/lenet/s0", "deep-defense", 245.0)), WHEN);

        try (Stream<Path> files = Files.list(site)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("index.html",
                    "results.csv");
        }
        assertThat(ResultsCsv.read(site.resolve("results.csv"))).containsExactlyElementsOf(rows);

        String html = Files.readString(site.resolve("index.html"));
        assertThat(html).startsWith("<!DOCTYPE html>")
                .contains("<title>nightly &quot;MNIST&quot; — robustness leaderboard</title>")
                .contains(">mnist</h2>")
                .contains(">FGSM ε=0.1</th>", ">DeepFool ε=1</th>", ">Worst case ℓ∞<br>ε=0.1</th>")
                .contains(">0.123<", ">0.200<")
                .contains("4 min 05 s")
                .contains("98.50% <small>97.5–99.1%</small>")
                .contains("data-sort-value=\"0.7\"")
                .contains("Generated 2026-11-25T12:34:56Z")
                .contains("href=\"results.csv\"")
                .contains("lr: 5e-4");
    }

    @Test
    void escapesModelNames() throws IOException {
        LeaderboardSite.write(dir, "exp", rows, List.of(), WHEN);
        String html = Files.readString(dir.resolve("index.html"));

        assertThat(html).doesNotContain("<script>alert").doesNotContain("evil & co")
                .contains("&lt;script&gt;alert(1)&lt;/script&gt;")
                .contains("evil &amp; co");
    }

    @Test
    void pageIsSelfContained() throws IOException {
        LeaderboardSite.write(dir, "exp", rows, List.of(), WHEN);
        String html = Files.readString(dir.resolve("index.html"));

        assertThat(html).doesNotContain("http://", "https://", "<link", " src=", "@import", "url(");
        assertThat(html).contains("<style>", "<script>", "data-sort-value");
    }

    @Test
    void rowsAppearInRankOrder() throws IOException {
        LeaderboardSite.write(dir, "exp", rows, List.of(), WHEN);
        String html = Files.readString(dir.resolve("index.html"));

        int defended = html.indexOf("<code>deep-defense/lenet/s0</code>");
        int evil = html.indexOf("<code>&lt;script&gt;");
        int vanilla = html.indexOf("<code>vanilla/lenet/s0</code>");
        assertThat(defended).isPositive().isLessThan(evil);
        assertThat(evil).isLessThan(vanilla);
    }

    @Test
    void emptyBoardStillRenders() throws IOException {
        LeaderboardSite.write(dir, "empty", List.of(), List.of(), WHEN);
        assertThat(Files.readString(dir.resolve("index.html"))).contains("no results yet");
        assertThat(ResultsCsv.read(dir.resolve("results.csv"))).isEmpty();
    }

    /** A board whose worst cases all include AutoAttack at the headline says so; one without says it is indicative. */
    @Test
    void theBoardSaysWhetherItsRankingIsReliable() throws IOException {
        List<ResultRow> reliable = List.of(clean("a", "vanilla", 0.9), clean("b", "vanilla", 0.9),
                TestRows.withTraits(attack("a", "vanilla", "worst-case", "Linf", 0.1, 0.9, 0.5), "reliable"),
                TestRows.withTraits(attack("b", "vanilla", "worst-case", "Linf", 0.1, 0.9, 0.4), "reliable"));
        LeaderboardSite.write(dir.resolve("reliable"), "r", reliable, List.of(), WHEN);
        assertThat(Files.readString(dir.resolve("reliable").resolve("index.html")))
                .contains("Reliable ranking:").doesNotContain("Indicative ranking:");
        List<ResultRow> plain = List.of(reliable.get(0), reliable.get(1),
                attack("a", "vanilla", "worst-case", "Linf", 0.1, 0.9, 0.5), reliable.get(3));
        LeaderboardSite.write(dir.resolve("indicative"), "i", plain, List.of(), WHEN);
        assertThat(Files.readString(dir.resolve("indicative").resolve("index.html")))
                .contains("Indicative ranking:", "no reliable evaluation at ℓ∞ ε=0.1 for a").doesNotContain("Reliable ranking:");
    }
}
