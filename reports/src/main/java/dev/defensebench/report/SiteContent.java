package dev.defensebench.report;

import dev.defensebench.model.ModelCard;
import java.io.IOException;
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
import java.util.Objects;

/**
 * What every page of one site is built from, worked out once from a results directory and its history:
 * the runs compared, the changes, each entry's rows, card, headline, timings, sanity checks, examples,
 * page file and trend, and the ranked boards. {@link BoardPage}, {@link EntryPage} and {@link SummaryFile}
 * read it; none of them reads a file.
 */
final class SiteContent {

    private final ResultSet current;
    private final List<ResultSet> runs;
    private final ResultSet previous;
    private final List<Change> changes;
    private final String generatedAt;
    private final Map<String, List<ResultRow>> rowsByModel = new LinkedHashMap<>();
    private final Map<String, ModelCard> cardsByHash = new HashMap<>();
    private final Map<String, ModelCard> cards = new LinkedHashMap<>();
    private final Map<String, String> datasetOf = new HashMap<>();
    private final Map<String, Double> configuredHeadline;
    private final Map<String, Leaderboard.Headline> headlines = new HashMap<>();
    private final List<CertifiedColumn> certifiedColumns;
    private final List<String> timedAttacks;
    private final Map<String, List<TimingMeasurement>> timingByModel = new HashMap<>();
    private final Map<String, List<SanityCheck>> sanityByModel = new HashMap<>();
    private final Map<String, List<GalleryExample>> galleryByModel = new HashMap<>();
    private final Map<String, String> pages = new LinkedHashMap<>();
    private final Map<String, Trend> trends = new HashMap<>();
    private final List<BoardTable> tables;

    private SiteContent(ResultSet full, List<ResultSet> history, Instant generatedAt) throws IOException {
        // certified rows (lower bounds) get their own columns and curves; the attack board never sees them
        this.current = CertifiedColumn.withoutCertified(full);
        List<ResultSet> earlier = new ArrayList<>(history.stream().map(CertifiedColumn::withoutCertified).toList());
        earlier.sort(Comparator.comparing(ResultSet::when));
        this.previous = earlier.isEmpty() ? null : earlier.get(earlier.size() - 1);
        this.changes = previous == null ? List.of() : ChangeDetector.compare(previous, current);
        earlier.add(current);
        this.runs = List.copyOf(earlier);
        this.generatedAt = DateTimeFormatter.ISO_INSTANT.format(generatedAt.truncatedTo(ChronoUnit.SECONDS));
        full.rows().forEach(r -> rowsByModel.computeIfAbsent(r.model(), m -> new ArrayList<>()).add(r));
        this.configuredHeadline = HeadlineFile.read(full.dir());
        this.certifiedColumns = CertifiedColumn.of(full.rows(), configuredHeadline);
        this.timedAttacks = timedAttacks(current.timing());
        matchCards();
        groupByModel();
        headlinesAndTrends();
        this.tables = Leaderboard.build(current.rows(), cards.values().stream().map(ModelSummaries::of).toList(),
                this::extras, configuredHeadline);
    }

    /**
     * The content of {@code full} with {@code history} (earlier runs, any order), stamped {@code generatedAt}.
     *
     * @throws IllegalArgumentException on duplicate rows or cards (see the message)
     */
    static SiteContent of(ResultSet full, List<ResultSet> history, Instant generatedAt) throws IOException {
        return new SiteContent(full, history, generatedAt);
    }

    /**
     * An output directory keeps the models of earlier configurations too: an entry's card is the one whose
     * cell hash its result rows carry; other cards serve only as parents (looked up by hash). Imported
     * entries of one file share its hash: the entry id tells their cards apart.
     */
    private void matchCards() {
        current.cards().forEach(c -> cardsByHash.put(c.cellHash(), c));
        rowsByModel.forEach((model, rows) -> rows.stream().map(ResultRow::cellHash).distinct()
                .flatMap(h -> current.cards().stream().filter(c -> h.equals(c.cellHash()) && model.equals(c.cellId())))
                .findFirst().ifPresent(c -> cards.put(model, c)));
        current.rows().forEach(r -> datasetOf.putIfAbsent(r.model(), r.dataset()));
        cards.values().forEach(c -> datasetOf.putIfAbsent(c.cellId(), c.data().dataset()));
    }

    private void groupByModel() {
        if (current.timing() != null) {
            current.timing().measurements().forEach(m ->
                    timingByModel.computeIfAbsent(m.model(), k -> new ArrayList<>()).add(m));
        }
        if (current.sanity() != null) {
            current.sanity().forEach(c -> sanityByModel.computeIfAbsent(c.model(), k -> new ArrayList<>()).add(c));
        }
        current.gallery().forEach(g -> galleryByModel.computeIfAbsent(g.model(), k -> new ArrayList<>()).add(g));
        Slugs slugs = new Slugs();
        rowsByModel.keySet().forEach(m -> pages.put(m, slugs.of(m) + ".html"));
    }

    private void headlinesAndTrends() {
        Map<String, List<ResultRow>> rowsByDataset = new LinkedHashMap<>();
        current.rows().forEach(r -> rowsByDataset.computeIfAbsent(r.dataset(), d -> new ArrayList<>()).add(r));
        rowsByDataset.forEach((d, rows) -> headlines.put(d, Leaderboard.headline(rows, configuredHeadline)));
        List<Map<String, List<ResultRow>>> runRows = runs.stream().map(Trend::byModel).toList();
        for (String model : rowsByModel.keySet()) {
            trends.put(model, Trend.of(model, datasetOf.get(model), headlineOf(model), runs, runRows));
        }
    }

    private static List<String> timedAttacks(TimingReport timing) {
        if (timing == null) {
            return List.of();
        }
        return List.copyOf(timing.measurements().stream().map(TimingMeasurement::attack).filter(Objects::nonNull)
                .collect(java.util.stream.Collectors.toCollection(LinkedHashSet::new)));
    }

    /** What a board row shows besides its scores: page link, badges, timing cells, date, trend, certified cells. */
    private EntryExtras extras(String model) {
        List<TimingMeasurement> timing = timingOf(model);
        List<BoardCell> costs = timedAttacks.stream()
                .map(a -> TimingCells.of(TimingCells.find(timing, TimingMeasurement.ATTACK_PREFIX + a))).toList();
        Trend trend = trendOf(model);
        return new EntryExtras(Site.ENTRIES + "/" + pageOf(model),
                current.sanity() == null ? List.of() : sanityOf(model).stream().map(Badge::of).toList(),
                TimingCells.of(TimingCells.find(timing, TimingMeasurement.LATENCY)),
                TimingCells.of(TimingCells.find(timing, TimingMeasurement.THROUGHPUT)), costs, trainingDate(cardOf(model)),
                trend.runs() > 1 ? trend.sparkline() : "",
                certifiedColumns.stream().map(c -> c.cell(rowsByModel.get(model))).toList());
    }

    private static BoardCell trainingDate(ModelCard card) {
        if (card == null || card.createdAt() == null || card.createdAt().isEmpty()) {
            return BoardCell.absent("training date unknown");
        }
        return new BoardCell(card.createdAt().substring(0, Math.min(10, card.createdAt().length())), "",
                "trained " + card.createdAt(), card.createdAt());
    }

    /** The results without certified rows: what the boards, changes and trends compare. */
    ResultSet current() {
        return current;
    }

    /** The runs of the history, oldest first, this one last. */
    List<ResultSet> runs() {
        return runs;
    }

    /** The run compared with, or null without history. */
    ResultSet previous() {
        return previous;
    }

    /** The changes since {@link #previous()}; empty without history. */
    List<Change> changes() {
        return changes;
    }

    /** When the site was written, ISO-8601 to the second. */
    String generatedAt() {
        return generatedAt;
    }

    /** Every entry's rows (certified rows included), entries in order of first appearance. */
    Map<String, List<ResultRow>> rowsByModel() {
        return rowsByModel;
    }

    /** The ranked boards, one per dataset. */
    List<BoardTable> tables() {
        return tables;
    }

    /** The certified columns of the boards. */
    List<CertifiedColumn> certifiedColumns() {
        return certifiedColumns;
    }

    /** The timed attacks, one attack-cost column each, in the order of the timing report. */
    List<String> timedAttacks() {
        return timedAttacks;
    }

    /** The card of {@code model}, or null. */
    ModelCard cardOf(String model) {
        return cards.get(model);
    }

    /** The card with cell hash {@code hash}, or null (an entry's parent). */
    ModelCard cardByHash(String hash) {
        return cardsByHash.get(hash);
    }

    /** The headline ε of {@code model}'s dataset, or null. */
    Leaderboard.Headline headlineOf(String model) {
        return headlines.get(datasetOf.get(model));
    }

    /** The JMH measurements of {@code model}; empty when not timed. */
    List<TimingMeasurement> timingOf(String model) {
        return timingByModel.getOrDefault(model, List.of());
    }

    /** The sanity checks of {@code model}; empty when none. */
    List<SanityCheck> sanityOf(String model) {
        return sanityByModel.getOrDefault(model, List.of());
    }

    /** The adversarial examples of {@code model}. */
    List<GalleryExample> galleryOf(String model) {
        return galleryByModel.getOrDefault(model, List.of());
    }

    /** The file name of {@code model}'s page under {@link Site#ENTRIES}. */
    String pageOf(String model) {
        return pages.get(model);
    }

    /** The trend of {@code model} over the runs. */
    Trend trendOf(String model) {
        return trends.get(model);
    }
}
