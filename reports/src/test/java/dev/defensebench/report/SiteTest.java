package dev.defensebench.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SiteTest {

    private static final Instant WHEN = Instant.parse("2026-11-25T12:00:00Z");

    @TempDir
    Path dir;

    private Site.Result render(boolean worstCase, boolean sanity, boolean timing) throws IOException {
        Path results = SiteFixture.write(dir.resolve("run"), SiteFixture.ENTRIES, worstCase, sanity, timing, 1, 1, WHEN);
        return Site.write(ResultSet.read(results), List.of(), dir.resolve("site"), WHEN);
    }

    @Test
    void writesBoardEntryPagesAndDownloads() throws IOException {
        Site.Result result = render(true, true, true);
        Path site = dir.resolve("site");
        assertThat(result.entries()).isEqualTo(3);
        assertThat(site.resolve("results.csv")).exists();
        assertThat(ResultsCsv.read(site.resolve("results.csv"))).hasSize(3 * (1 + 9 + 6));
        JsonNode summary = new ObjectMapper().readTree(site.resolve("summary.json").toFile());
        JsonNode entries = summary.get("boards").get(0).get("entries");
        assertThat(entries).hasSize(3);
        // ranked by the per-point worst case at the headline ε (Linf first: norms in row order)
        assertThat(entries.get(0).get("model").asText()).isEqualTo("deep-defense/lenet/s0");
        assertThat(summary.get("boards").get(0).get("ranked_by").asText()).startsWith("per-point worst-case");
        // attack optimality: every attack of every entry and norm; no "weakest attack" line any more
        assertThat(summary.get("attack_optimality")).hasSize(3 * 3);
        assertThat(summary.has("weakest_attacks")).isFalse();
        // the fixture's worst cases have no reliable evaluation, and Deep Defense saw 12x the images of the others
        JsonNode board = summary.get("boards").get(0);
        assertThat(board.get("ranking").asText()).isEqualTo("indicative");
        assertThat(board.get("indicative_reasons").get(0).asText()).contains("no reliable evaluation").contains("any entry");
        assertThat(board.get("budget_warning").asText()).contains("deep-defense/lenet/s0").contains("180k");
        assertThat(summary.get("attack_optimality").get(0).get("optimality").asDouble()).isBetween(0.0, 1.0);
        try (Stream<Path> pages = Files.list(site.resolve("entries"))) {
            assertThat(pages.toList()).hasSize(3);
        }
        String index = Files.readString(site.resolve("index.html"));
        assertThat(index).contains("href=\"entries/deep-defense-lenet-s0.html\"", "href=\"results.csv\"",
                "href=\"summary.json\"", "Test CPU 9000", "class=\"badge fail\"", "DeepFool cost");
        assertThat(index).doesNotContain("No per-point worst-case rows");
        // the sanity verdict: the worst status of pass, pass (or fail), warn, and how many passed
        assertThat(index).contains(">warn</span><small title=\"2 of the 3 checks that ran passed\">2/3</small>",
                ">fail</span><small title=\"1 of the 3 checks that ran passed\">1/3</small>");
        assertThat(index).doesNotContain("Weakest attack per entry and norm");
        assertThat(index).contains("Indicative ranking:", "Unequal budgets.");
        // the board table has exactly one column for each header (no worst-case attack columns)
        assertThat(index).doesNotContain(">worst-case ε=");
    }

    @Test
    void entryPageShowsCurvesGallerySanityTimingCardAndReproduce() throws IOException {
        render(true, true, true);
        String page = Files.readString(dir.resolve("site/entries/deep-defense-lenet-s0.html"));
        assertThat(page).contains("<svg", "Robust accuracy vs ℓ∞ ε", "worst case (per point)", "data:image/png;base64,",
                "pgd-stronger-than-fgsm", "0.031", "ms/image", "Test CPU 9000", "Training time per epoch",
                "12.5 s", "hash0", "defense-bench run entry.yaml", "init_from: &quot;vanilla&quot;",
                "0123456789abcdef0123456789abcdef01234567", "Attack optimality", "A<sub>best</sub>");
        // the reproduce config includes the parent entry it was fine-tuned from, parent first
        assertThat(page.indexOf("name: &quot;vanilla&quot;")).isGreaterThan(0)
                .isLessThan(page.indexOf("name: &quot;deep-defense&quot;"));
    }

    @Test
    void cardsOfEarlierConfigurationsInTheSameDirectoryAreIgnored() throws IOException {
        Path results = SiteFixture.write(dir.resolve("run"), SiteFixture.ENTRIES, true, true, true, 1, 1, WHEN);
        // a model of an earlier configuration: same entry id, another cell hash, no result rows
        Path stale = results.resolve("models/stale");
        Files.createDirectories(stale);
        Files.writeString(stale.resolve("card.json"), Files.readString(results.resolve("models/cell1/card.json"))
                .replace("\"hash1\"", "\"stalehash\"").replace("\"epochs\":2", "\"epochs\":99"));
        Site.Result result = Site.write(ResultSet.read(results), List.of(), dir.resolve("site"), WHEN);
        assertThat(result.entries()).isEqualTo(3);
        String page = Files.readString(dir.resolve("site/entries/vanilla-lenet-s0.html"));
        assertThat(page).contains("hash1").doesNotContain("stalehash");
        // the fine-tuned entry's reproduce config finds its parent by the parent's hash
        assertThat(Files.readString(dir.resolve("site/entries/deep-defense-lenet-s0.html")))
                .contains("&quot;epochs&quot;:2").doesNotContain("&quot;epochs&quot;:99");
    }

    @Test
    void hostileModelNamesAreEscapedEverywhere() throws IOException {
        render(true, true, true);
        Path site = dir.resolve("site");
        String index = Files.readString(site.resolve("index.html"));
        assertThat(index).doesNotContain(SiteFixture.EVIL).contains("&lt;img src=x onerror=alert(1)&gt;")
                .contains("evil &amp; co");
        try (Stream<Path> pages = Files.list(site.resolve("entries"))) {
            for (Path p : pages.toList()) {
                assertThat(p.getFileName().toString()).matches("[A-Za-z0-9._~-]+\\.html");
                assertThat(Files.readString(p)).doesNotContain(SiteFixture.EVIL).doesNotContain("<img src=x");
            }
        }
    }

    @Test
    void withoutSanityFileThereAreNoBadges() throws IOException {
        render(true, false, true);
        String index = Files.readString(dir.resolve("site/index.html"));
        assertThat(index).doesNotContain("class=\"badge").doesNotContain(">Sanity<");
        assertThat(Files.readString(dir.resolve("site/entries/vanilla-lenet-s0.html")))
                .contains("No sanity checks were recorded");
    }

    @Test
    void withoutWorstCaseRowsTheBoardFallsBackToTheLowestAttackAndSaysSo() throws IOException {
        render(false, true, false);
        String index = Files.readString(dir.resolve("site/index.html"));
        assertThat(index).contains("No per-point worst-case rows", "ranked by lowest robust accuracy over the attacks");
        JsonNode summary = new ObjectMapper().readTree(dir.resolve("site/summary.json").toFile());
        JsonNode first = summary.get("boards").get(0).get("entries").get(0);
        // fallback score = min(FGSM, PGD) at Linf 0.1 (the widest spread) = PGD = 0.985·0.8·0.9·0.9
        assertThat(first.get("rank_score").asDouble()).isCloseTo(0.985 * 0.8 * 0.9 * 0.9, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(index).contains("not timed");
    }

    @Test
    void everyTableRowHasOneCellPerHeader() throws IOException {
        render(true, true, true);
        String index = Files.readString(dir.resolve("site/index.html"));
        Matcher table = Pattern.compile("<table class=\"board [a-z]+\">(.*?)</table>", Pattern.DOTALL).matcher(index);
        int tables = 0;
        while (table.find()) {
            tables++;
            String t = table.group(1);
            String head = t.substring(0, t.indexOf("</thead>"));
            int heads = count(head, "<th ") + count(head, "<th>");
            for (String row : t.substring(t.indexOf("<tbody>")).split("</tr>")) {
                if (row.contains("<td")) {
                    assertThat(count(row, "<td ") + count(row, "<td>")).isEqualTo(heads);
                }
            }
        }
        assertThat(tables).as("the headline board and its detail table").isEqualTo(2);
    }

    @Test
    void theHeadlineFileOfARunSetsTheWorstCaseColumns() throws IOException {
        Path results = SiteFixture.write(dir.resolve("run"), SiteFixture.ENTRIES, true, true, true, 1, 1, WHEN);
        Site.write(ResultSet.read(results), List.of(), dir.resolve("default"), WHEN);
        assertThat(Files.readString(dir.resolve("default/index.html")))
                .contains(">Worst case ℓ∞<br>ε=0.1</th>", ">Worst case ℓ2<br>ε=0.5</th>");

        HeadlineFile.write(results, java.util.Map.of("Linf", 0.3));
        assertThat(HeadlineFile.read(results)).containsExactly(java.util.Map.entry("Linf", 0.3));
        Site.write(ResultSet.read(results), List.of(), dir.resolve("named"), WHEN);
        assertThat(Files.readString(dir.resolve("named/index.html")))
                .contains(">Worst case ℓ∞<br>ε=0.3</th>", ">Worst case ℓ2<br>ε=0.5</th>", "the headline ε the experiment names");

        HeadlineFile.write(results, java.util.Map.of()); // no headline: the file goes, the default is back
        assertThat(results.resolve(HeadlineFile.FILE)).doesNotExist();

        Files.writeString(results.resolve(HeadlineFile.FILE), "{\"Linf\": -1}");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> HeadlineFile.read(results))
                .isInstanceOf(IOException.class).hasMessageContaining(HeadlineFile.FILE).hasMessageContaining("Linf");
    }

    @Test
    void rendersAThousandEntriesInUnderThreeSeconds() throws IOException {
        List<SiteFixture.Entry> many = new java.util.ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            many.add(new SiteFixture.Entry("model-" + i + "/lenet/s0", i % 2 == 0 ? "vanilla" : "deep-defense",
                    0.9 + (i % 90) / 1000.0, (i % 100) / 100.0, 1 + i % 7));
        }
        Path results = SiteFixture.write(dir.resolve("big"), many, true, true, true, 1, 1, WHEN);
        ResultSet set = ResultSet.read(results);
        Site.write(set, List.of(), dir.resolve("warm"), WHEN); // class loading and template parsing
        // best of two timed renders (after a warm-up), by CPU time of the rendering thread: on the shared
        // CI machine wall time mostly measures the other jobs; both are printed
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        double cpuSeconds = Double.POSITIVE_INFINITY;
        double seconds = Double.POSITIVE_INFINITY;
        for (int attempt = 0; attempt < 2; attempt++) {
            long cpuStart = threads.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            Site.Result result = Site.write(set, List.of(), dir.resolve("big-site"), WHEN);
            seconds = Math.min(seconds, (System.nanoTime() - start) / 1e9);
            cpuSeconds = Math.min(cpuSeconds, (threads.getCurrentThreadCpuTime() - cpuStart) / 1e9);
            assertThat(result.entries()).isEqualTo(1000);
        }
        System.out.printf(java.util.Locale.ROOT, "[benchmark] rendering 1000 entries (board + 1000 entry pages):"
                + " %.2f s CPU, %.2f s wall (best of 2; load average %.1f on %d cores)%n", cpuSeconds, seconds,
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                Runtime.getRuntime().availableProcessors());
        assertThat(cpuSeconds).isLessThan(3.0);
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
