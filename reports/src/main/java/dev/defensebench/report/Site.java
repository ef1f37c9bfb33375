package dev.defensebench.report;

import dev.defensebench.files.AtomicFiles;
import dev.defensebench.files.Json;
import dev.defensebench.model.ModelCard;
import freemarker.template.Template;
import freemarker.template.TemplateException;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes the static leaderboard site of one results directory, optionally with the history of earlier
 * runs: {@code index.html} (one sortable board per dataset, changes since the last run, the machine),
 * {@code entries/<entry>.html} (model card, accuracy-vs-ε curves, adversarial examples, sanity checks,
 * timing, trend, how to reproduce), {@code results.csv} and {@code summary.json} for download. HTML is
 * rendered by Freemarker with auto-escaping on; CSS, JS, SVG and PNG are inline, so the site makes no
 * network request and works from {@code file://}. The worst-case columns are at the headline ε of
 * {@link HeadlineFile} when the results directory holds one, else at {@link HeadlineEpsilons}'s default.
 */
public final class Site {

    /** The board page. */
    public static final String INDEX = "index.html";
    /** The JSON summary. */
    public static final String SUMMARY = "summary.json";
    /** The directory of the entry pages. */
    public static final String ENTRIES = "entries";

    /**
     * What was written.
     *
     * @param index   the board page
     * @param entries the number of entry pages
     * @param changes the changes since the previous run (empty without history)
     * @param previous the run compared with, or null
     */
    public record Result(Path index, int entries, List<Change> changes, ResultSet previous) {

        /** Whether any change is a regression. */
        public boolean hasRegression() {
            return changes.stream().anyMatch(Change::isRegression);
        }
    }

    private Site() {
    }

    /**
     * Renders {@code full} with {@code history} (earlier runs, any order) into {@code siteDir}.
     *
     * @throws IllegalArgumentException on duplicate rows or cards (see the message)
     */
    public static Result write(ResultSet full, List<ResultSet> history, Path siteDir, Instant generatedAt)
            throws IOException {
        // certified rows (lower bounds) get their own columns and curves; the attack board never sees them
        ResultSet current = CertifiedColumn.withoutCertified(full);
        List<ResultSet> earlier = new ArrayList<>(history.stream().map(CertifiedColumn::withoutCertified).toList());
        earlier.sort(Comparator.comparing(ResultSet::when));
        ResultSet previous = earlier.isEmpty() ? null : earlier.get(earlier.size() - 1);
        List<Change> changes = previous == null ? List.of() : ChangeDetector.compare(previous, current);
        List<ResultSet> runs = new ArrayList<>(earlier);
        runs.add(current);

        // an output directory keeps the models of earlier configurations too: an entry's card is the one
        // whose cell hash its result rows carry; other cards serve only as parents (looked up by hash)
        Map<String, ModelCard> cardsByHash = new HashMap<>();
        current.cards().forEach(c -> cardsByHash.put(c.cellHash(), c));
        Map<String, List<ResultRow>> rowsByModel = new LinkedHashMap<>();
        full.rows().forEach(r -> rowsByModel.computeIfAbsent(r.model(), m -> new ArrayList<>()).add(r));
        List<CertifiedColumn> certifiedColumns = CertifiedColumn.of(full.rows(), HeadlineFile.read(full.dir()));
        Map<String, ModelCard> cards = new LinkedHashMap<>();
        // (imported entries of one file share its hash: the entry id tells their cards apart)
        rowsByModel.forEach((model, rows) -> rows.stream().map(ResultRow::cellHash).distinct()
                .flatMap(h -> current.cards().stream().filter(c -> h.equals(c.cellHash()) && model.equals(c.cellId())))
                .findFirst().ifPresent(c -> cards.put(model, c)));
        Map<String, String> datasetOf = new HashMap<>();
        current.rows().forEach(r -> datasetOf.putIfAbsent(r.model(), r.dataset()));
        cards.values().forEach(c -> datasetOf.putIfAbsent(c.cellId(), c.data().dataset()));
        List<ModelSummary> summaries = cards.values().stream().map(ModelSummaries::of).toList();

        Map<String, Double> configuredHeadline = HeadlineFile.read(current.dir());
        Map<String, Leaderboard.Headline> headlines = new HashMap<>();
        Map<String, List<ResultRow>> rowsByDataset = new LinkedHashMap<>();
        current.rows().forEach(r -> rowsByDataset.computeIfAbsent(r.dataset(), d -> new ArrayList<>()).add(r));
        rowsByDataset.forEach((d, rows) -> headlines.put(d, Leaderboard.headline(rows, configuredHeadline)));

        List<String> timedAttacks = new ArrayList<>();
        if (current.timing() != null) {
            Set<String> seen = new LinkedHashSet<>();
            current.timing().measurements().stream().map(TimingMeasurement::attack).filter(a -> a != null)
                    .forEach(seen::add);
            timedAttacks.addAll(seen);
        }
        Map<String, List<TimingMeasurement>> timingByModel = new HashMap<>();
        if (current.timing() != null) {
            current.timing().measurements().forEach(m ->
                    timingByModel.computeIfAbsent(m.model(), k -> new ArrayList<>()).add(m));
        }
        Map<String, List<SanityCheck>> sanityByModel = new HashMap<>();
        if (current.sanity() != null) {
            current.sanity().forEach(c -> sanityByModel.computeIfAbsent(c.model(), k -> new ArrayList<>()).add(c));
        }
        Map<String, List<GalleryExample>> galleryByModel = new HashMap<>();
        current.gallery().forEach(g -> galleryByModel.computeIfAbsent(g.model(), k -> new ArrayList<>()).add(g));

        Slugs slugs = new Slugs();
        Map<String, String> pages = new LinkedHashMap<>();
        rowsByModel.keySet().forEach(m -> pages.put(m, slugs.of(m) + ".html"));

        Map<String, Trend> trends = new HashMap<>();
        List<Map<String, List<ResultRow>>> runRows = runs.stream().map(Trend::byModel).toList();
        for (String model : rowsByModel.keySet()) {
            Leaderboard.Headline headline = headlines.get(datasetOf.get(model));
            trends.put(model, Trend.of(model, datasetOf.get(model), headline, runs, runRows));
        }

        Map<String, EntryExtras> extras = new HashMap<>();
        for (String model : rowsByModel.keySet()) {
            List<TimingMeasurement> timing = timingByModel.getOrDefault(model, List.of());
            List<BoardCell> costs = timedAttacks.stream()
                    .map(a -> timingCell(find(timing, TimingMeasurement.ATTACK_PREFIX + a))).toList();
            ModelCard card = cards.get(model);
            BoardCell date = card == null || card.createdAt() == null || card.createdAt().isEmpty()
                    ? BoardCell.absent("training date unknown")
                    : new BoardCell(card.createdAt().substring(0, Math.min(10, card.createdAt().length())), "",
                            "trained " + card.createdAt(), card.createdAt());
            Trend trend = trends.get(model);
            extras.put(model, new EntryExtras(ENTRIES + "/" + pages.get(model),
                    current.sanity() == null ? List.of()
                            : sanityByModel.getOrDefault(model, List.of()).stream().map(Badge::of).toList(),
                    timingCell(find(timing, TimingMeasurement.LATENCY)),
                    timingCell(find(timing, TimingMeasurement.THROUGHPUT)), costs, date,
                    trend.runs() > 1 ? trend.sparkline() : "",
                    certifiedColumns.stream().map(c -> c.cell(rowsByModel.get(model))).toList()));
        }
        List<BoardTable> tables = Leaderboard.build(current.rows(), summaries, extras::get, configuredHeadline);

        String generated = DateTimeFormatter.ISO_INSTANT.format(generatedAt.truncatedTo(ChronoUnit.SECONDS));
        Map<String, Object> page = new LinkedHashMap<>();
        page.put("experiment", current.experiment());
        page.put("generatedAt", generated);
        page.put("resultsFile", OutputLayout.RESULTS);
        page.put("summaryFile", SUMMARY);
        page.put("rowCount", Integer.toString(current.rows().size()));
        AttackLabels labels = AttackLabels.of(current.rows());
        page.put("rho2Attack", labels.rho2Attack());
        page.put("tables", tables.stream().map(BoardTable::asMap).toList());
        page.put("timedAttacks", timedAttacks.stream().map(labels::of).toList());
        page.put("certifiedColumns", certifiedColumns.stream().map(CertifiedColumn::header).toList());
        page.put("hasSanity", current.sanity() != null);
        page.put("failures", current.failures().stream().map(f -> Map.of("model", f.model(), "defense", f.defense(),
                "architecture", f.architecture(), "status", f.statusLabel(), "reason", f.reason())).toList());
        page.put("hasHistory", previous != null);
        page.put("runCount", Integer.toString(runs.size()));
        page.put("previousRun", previous == null ? "" : previous.label() + " (" + previous.when().truncatedTo(ChronoUnit.SECONDS) + ")");
        page.put("changes", changes.stream().map(Change::asMap).toList());
        page.put("regressions", Long.toString(changes.stream().filter(Change::isRegression).count()));
        page.put("machine", current.timing() == null ? "" : current.timing().machine().describe());
        page.put("timingSettings", current.timing() == null ? "" : settings(current.timing()));
        page.put("timingTolerance", Integer.toString(ChangeDetector.TIMING_TOLERANCE_PERCENT));

        Files.createDirectories(siteDir.resolve(ENTRIES));
        Template index = Templates.get("leaderboard.ftlh");
        Template entry = Templates.get("entry.ftlh");
        for (Map.Entry<String, List<ResultRow>> e : rowsByModel.entrySet()) {
            String model = e.getKey();
            Map<String, Object> entryPage = EntryPage.model(model, e.getValue(), cards.get(model), cardsByHash::get,
                    headlines.get(datasetOf.get(model)), sanityByModel.get(model), current.sanity() != null,
                    timingByModel.getOrDefault(model, List.of()), current.timing(),
                    galleryByModel.getOrDefault(model, List.of()), trends.get(model));
            entryPage.put("generatedAt", generated);
            entryPage.put("experiment", current.experiment());
            String html = render(entry, entryPage);
            AtomicFiles.write(siteDir.resolve(ENTRIES).resolve(pages.get(model)), out -> out.write(html), false);
        }
        String html = render(index, page);
        Path source = current.dir().resolve(OutputLayout.RESULTS);
        if (Files.isRegularFile(source)
                && !source.toAbsolutePath().normalize().equals(siteDir.resolve(OutputLayout.RESULTS).toAbsolutePath().normalize())) {
            AtomicFiles.copy(source, siteDir.resolve(OutputLayout.RESULTS)); // the rows as they were written
        } else {
            ResultsCsv.write(siteDir.resolve(OutputLayout.RESULTS), full.rows());
        }
        String summary = Json.PRETTY.writeValueAsString(Summaries.of(current, tables, changes, generated, pages));
        AtomicFiles.write(siteDir.resolve(SUMMARY), out -> out.write(summary));
        AtomicFiles.write(siteDir.resolve(INDEX), out -> out.write(html));
        return new Result(siteDir.resolve(INDEX), rowsByModel.size(), changes, previous);
    }

    private static String settings(TimingReport timing) {
        StringBuilder text = new StringBuilder();
        new java.util.TreeMap<>(timing.settings()).forEach((k, v) ->
                text.append(text.length() == 0 ? "" : " · ").append(k).append(' ').append(v));
        return text.toString();
    }

    static TimingMeasurement find(List<TimingMeasurement> timing, String benchmark) {
        return timing.stream().filter(m -> m.benchmark().equals(benchmark)).findFirst().orElse(null);
    }

    static BoardCell timingCell(TimingMeasurement m) {
        if (m == null || Double.isNaN(m.score())) {
            return BoardCell.absent("not timed");
        }
        return new BoardCell(Formats.number(m.score()), m.unit(),
                Formats.score(m.score(), m.error(), m.unit()) + " · JMH mean ± 99.9% error over " + m.iterations()
                        + " iterations, batch " + m.batchSize(), Formats.sortValue(m.score()));
    }

    private static String render(Template template, Map<String, Object> model) throws IOException {
        try {
            StringWriter html = new StringWriter();
            template.process(model, html);
            return html.toString();
        } catch (TemplateException e) {
            throw new IOException("rendering " + template.getName() + " failed: " + e.getMessage(), e);
        }
    }
}
