package dev.defensebench.report;

import dev.defensebench.files.AtomicFiles;
import freemarker.template.Template;
import freemarker.template.TemplateException;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a bare leaderboard page from rows and summaries alone (no cards, timing, sanity or history;
 * {@link Site} writes the full site from a results directory): {@code index.html} (one sortable table per dataset, rendered
 * with Freemarker, HTML auto-escaping on, CSS and JS inline, no network requests, works from
 * {@code file://}) and the rows as {@code results.csv} next to it. Both files are written atomically.
 */
public final class LeaderboardSite {

    /** The page's file name. */
    public static final String INDEX = "index.html";

    private static final String TEMPLATE = "leaderboard.ftlh";

    private LeaderboardSite() {
    }

    /** {@link #write(Path, String, List, List, Instant)} stamped with the current time. */
    public static void write(Path siteDir, String experimentName, List<ResultRow> rows, List<ModelSummary> models)
            throws IOException {
        write(siteDir, experimentName, rows, models, Instant.now());
    }

    /**
     * Writes {@code siteDir/index.html} and {@code siteDir/results.csv}, creating the directory if needed.
     *
     * @param generatedAt the generation time shown in the footer
     * @throws IllegalArgumentException on duplicate rows or summaries (see the message)
     */
    public static void write(Path siteDir, String experimentName, List<ResultRow> rows, List<ModelSummary> models,
            Instant generatedAt) throws IOException {
        String html = render(experimentName, rows, models, generatedAt);
        Files.createDirectories(siteDir);
        ResultsCsv.write(siteDir.resolve(OutputLayout.RESULTS), rows);
        AtomicFiles.write(siteDir.resolve(INDEX), out -> out.write(html));
    }

    /** The page as text. */
    static String render(String experimentName, List<ResultRow> rows, List<ModelSummary> models,
            Instant generatedAt) throws IOException {
        List<BoardTable> tables = Leaderboard.build(rows, models);
        Map<String, Object> page = new LinkedHashMap<>();
        page.put("experiment", experimentName);
        page.put("generatedAt", DateTimeFormatter.ISO_INSTANT.format(generatedAt.truncatedTo(ChronoUnit.SECONDS)));
        page.put("resultsFile", OutputLayout.RESULTS);
        page.put("summaryFile", "");
        page.put("rowCount", Integer.toString(rows.size()));
        page.put("rho2Attack", AttackLabels.of(rows).rho2Attack());
        page.put("tables", tables.stream().map(BoardTable::asMap).toList());
        page.put("timedAttacks", List.of());
        page.put("hasSanity", false);
        page.put("hasHistory", false);
        page.put("runCount", "1");
        page.put("previousRun", "");
        page.put("changes", List.of());
        page.put("regressions", "0");
        page.put("machine", "");
        page.put("timingSettings", "");
        page.put("timingTolerance", Integer.toString(ChangeDetector.TIMING_TOLERANCE_PERCENT));
        try {
            Template template = Templates.get(TEMPLATE);
            StringWriter html = new StringWriter();
            template.process(page, html);
            return html.toString();
        } catch (TemplateException e) {
            throw new IOException("rendering " + TEMPLATE + " failed: " + e.getMessage(), e);
        }
    }
}
