package dev.defensebench.report;

import static dev.defensebench.report.TestRows.attack;
import static dev.defensebench.report.TestRows.clean;
import static dev.defensebench.report.TestRows.row;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.defensebench.model.ModelCard;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The board page {@code index.html} of rows alone or with a model card: escaping, self-containment, rank order,
 * the empty board and the reliable/indicative ranking note. (It tested {@code LeaderboardSite}, the bare board
 * that duplicated {@link Site}; the board now has one path, {@link BoardPage} through {@link Site#write}.)
 */
class BoardPageTest {

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

    /** Writes {@code rows} as the results directory {@code run}, renders its site and returns the board page. */
    private String board(String run, List<ResultRow> rows) throws IOException {
        Path results = dir.resolve(run);
        Files.createDirectories(results);
        ResultsCsv.write(results.resolve(OutputLayout.RESULTS), rows);
        Site.write(ResultSet.read(results), List.of(), results.resolve("site"), WHEN);
        return Files.readString(results.resolve("site").resolve(Site.INDEX));
    }

    @Test
    void writesIndexAndResultsCsv() throws IOException {
        Path results = dir.resolve("nightly");
        Files.createDirectories(results.resolve("models").resolve("deep-defense"));
        ResultsCsv.write(results.resolve(OutputLayout.RESULTS), rows);
        new ObjectMapper().writeValue(results.resolve("models").resolve("deep-defense").resolve("card.json").toFile(),
                card("deep-defense/lenet/s0", "deep-defense"));
        Path site = dir.resolve("site");
        Site.write(ResultSet.read(results), List.of(), site, WHEN);

        try (Stream<Path> files = Files.list(site)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("index.html",
                    "results.csv", "summary.json", "entries");
        }
        assertThat(ResultsCsv.read(site.resolve("results.csv"))).containsExactlyElementsOf(rows);

        String html = Files.readString(site.resolve("index.html"));
        assertThat(html).startsWith("<!DOCTYPE html>")
                .contains("<title>nightly — robustness leaderboard</title>")
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

    /** A card of {@code model} (cell hash abc123, the rows') trained in 245 s with learning rate 5e-4. */
    private static ModelCard card(String model, String defense) {
        return ModelCard.builder().cellId(model).cellHash("abc123").experiment("nightly").defense(defense)
                .architecture("lenet").params(Map.of("lr", "5e-4")).seed(7L)
                .data(new ModelCard.DataIdentity("mnist", "abc", 60000, "unit", "pixels / 255")).code(Map.of())
                .libraries(Map.of()).device("cpu()").epochSeconds(List.of(245.0)).metrics(Map.of()).notes(Map.of())
                .createdAt("2026-11-25T10:00:00Z").paramsSha256("0".repeat(64)).build();
    }

    @Test
    void escapesModelNames() throws IOException {
        String html = board("exp", rows);

        assertThat(html).doesNotContain("<script>alert").doesNotContain("evil & co")
                .contains("&lt;script&gt;alert(1)&lt;/script&gt;")
                .contains("evil &amp; co");
    }

    @Test
    void pageIsSelfContained() throws IOException {
        String html = board("exp", rows);

        assertThat(html).doesNotContain("http://", "https://", "<link", " src=", "@import", "url(");
        assertThat(html).contains("<style>", "<script>", "data-sort-value");
    }

    @Test
    void rowsAppearInRankOrder() throws IOException {
        String html = board("exp", rows);

        int defended = html.indexOf("<code>deep-defense/lenet/s0</code>");
        int evil = html.indexOf("<code>&lt;script&gt;");
        int vanilla = html.indexOf("<code>vanilla/lenet/s0</code>");
        assertThat(defended).isPositive().isLessThan(evil);
        assertThat(evil).isLessThan(vanilla);
    }

    @Test
    void emptyBoardStillRenders() throws IOException {
        assertThat(board("empty", List.of())).contains("no results yet");
        assertThat(ResultsCsv.read(dir.resolve("empty").resolve("site").resolve("results.csv"))).isEmpty();
    }

    /** A board whose worst cases all include AutoAttack at the headline says so; one without says it is indicative. */
    @Test
    void theBoardSaysWhetherItsRankingIsReliable() throws IOException {
        List<ResultRow> reliable = List.of(clean("a", "vanilla", 0.9), clean("b", "vanilla", 0.9),
                TestRows.withTraits(attack("a", "vanilla", "worst-case", "Linf", 0.1, 0.9, 0.5), "reliable"),
                TestRows.withTraits(attack("b", "vanilla", "worst-case", "Linf", 0.1, 0.9, 0.4), "reliable"));
        assertThat(board("reliable", reliable))
                .contains("Reliable ranking:").doesNotContain("Indicative ranking:");
        List<ResultRow> plain = List.of(reliable.get(0), reliable.get(1),
                attack("a", "vanilla", "worst-case", "Linf", 0.1, 0.9, 0.5), reliable.get(3));
        assertThat(board("indicative", plain))
                .contains("Indicative ranking:", "no reliable evaluation at ℓ∞ ε=0.1 for a").doesNotContain("Reliable ranking:");
    }
}
