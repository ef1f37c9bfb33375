package dev.defensebench.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.defensebench.files.AtomicFiles;
import dev.defensebench.files.Json;
import dev.defensebench.model.ModelCard;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The entry pages {@code entries/<entry>.html}, one per entry, rendered from an {@link EntryPageView} by
 * {@code entry.ftlh}: headline numbers, one accuracy-vs-ε SVG per norm (every attack and the worst case), the
 * result rows, attack optimality, the adversarial examples as inline PNGs, the sanity checks with their
 * numbers, the JMH timings with the machine, the training time per epoch, the trend over runs, the model card
 * and the commands and config that reproduce the entry.
 */
final class EntryPage {

    private static final String TEMPLATE = "entry.ftlh";

    private EntryPage() {
    }

    /** Writes every entry's page under {@code siteDir/entries}. */
    static void writeAll(SiteContent content, Path siteDir) throws IOException {
        Path dir = siteDir.resolve(Site.ENTRIES);
        Files.createDirectories(dir);
        for (String model : content.rowsByModel().keySet()) {
            String html = Templates.render(TEMPLATE, view(content, model));
            AtomicFiles.write(dir.resolve(content.pageOf(model)), out -> out.write(html), false);
        }
    }

    /** The view of {@code model}'s page. */
    static EntryPageView view(SiteContent content, String model) {
        List<ResultRow> all = content.rowsByModel().get(model);
        // certified rows (lower bounds) are drawn and listed, but take no part in the attack numbers
        List<ResultRow> rows = all.stream().filter(r -> !r.isCertified()).toList();
        ModelCard card = content.cardOf(model);
        ResultRow clean = rows.stream().filter(ResultRow::isClean).findFirst().orElse(null);
        double cleanAccuracy = clean == null ? Double.NaN
                : Double.isNaN(clean.cleanAccuracy()) ? clean.robustAccuracy() : clean.cleanAccuracy();
        AttackLabels labels = AttackLabels.of(rows);
        TimingReport timing = content.current().timing();
        return new EntryPageView(header(content, model, card, rows), headline(content, model, rows, clean, cleanAccuracy),
                new EntryPageView.Curves(AccuracyCharts.of(all, cleanAccuracy), results(all)),
                AttackOptimality.of(rows).stream().map(o -> optimality(o, labels)).toList(),
                content.galleryOf(model).stream().map(g -> example(g, labels)).toList(),
                new EntryPageView.Sanity(content.current().sanity() != null,
                        content.sanityOf(model).stream().map(EntryPage::check).toList()),
                new EntryPageView.Timing(content.timingOf(model).stream().map(m -> measurement(m, labels)).toList(),
                        timing == null ? "" : timing.machine().describe(), timingSettings(timing), epochs(card)),
                trend(content.trendOf(model)), card(card), reproduce(content, card, rows));
    }

    private static EntryPageView.Header header(SiteContent content, String model, ModelCard card, List<ResultRow> rows) {
        ResultRow first = rows.isEmpty() ? null : rows.get(0);
        return new EntryPageView.Header(model, content.current().experiment(),
                card != null ? card.defense() : first != null ? first.defense() : "",
                card != null ? card.architecture() : first != null ? first.architecture() : "",
                card != null ? card.data().dataset() : first != null ? first.dataset() : "",
                card != null ? card.experiment() : first != null ? first.experiment() : "", content.generatedAt());
    }

    private static EntryPageView.Headline headline(SiteContent content, String model, List<ResultRow> rows,
            ResultRow clean, double cleanAccuracy) {
        Leaderboard.Headline headline = content.headlineOf(model);
        WilsonInterval ci = clean == null ? null : WilsonInterval.ofFraction(cleanAccuracy, clean.samples());
        ModelCard card = content.cardOf(model);
        return new EntryPageView.Headline(Formats.percent(cleanAccuracy),
                ci == null ? "" : Formats.percentRange(ci.low(), ci.high()),
                clean == null ? "" : Formats.integer(clean.samples()), content.trendOf(model).metric(),
                headline == null || headline.first() == null ? Formats.ABSENT
                        : Formats.percent(new Leaderboard.Headline(headline.epsilons(),
                                rows.stream().anyMatch(Leaderboard::isWorstCase)).value(rows)),
                rows.stream().filter(ResultRow::givesRho2).findFirst().map(r -> Formats.scientific(r.rho2()))
                        .orElse(Formats.ABSENT),
                card == null || card.epochSeconds() == null ? Formats.ABSENT : Formats.duration(card.trainSeconds()));
    }

    /** Every row but the clean one, by norm, attack and ε. */
    private static List<EntryPageView.Result> results(List<ResultRow> all) {
        return all.stream().filter(r -> !r.isClean())
                .sorted(Comparator.comparing(ResultRow::norm).thenComparing(ResultRow::attack)
                        .thenComparingDouble(ResultRow::epsilon))
                .map(EntryPage::result).toList();
    }

    private static EntryPageView.Result result(ResultRow r) {
        return new EntryPageView.Result(Leaderboard.isWorstCase(r) ? "worst case (per point)"
                : r.isCertified() ? "certified: " + r.attackLabel() : r.attackLabel(),
                Formats.normName(r.norm()), Formats.epsilon(r.epsilon()), Formats.percent(r.robustAccuracy()),
                Formats.percentRange(r.robustCiLow(), r.robustCiHigh()), Formats.integer(r.samples()),
                Formats.scientific(r.rho2()), Formats.duration(r.attackSeconds()), r.attackParams());
    }

    private static EntryPageView.Optimality optimality(AttackOptimality o, AttackLabels labels) {
        return new EntryPageView.Optimality(o.norm(), labels.of(o.attack()), Formats.fixed3(o.optimality()),
                Formats.scientific(o.area()), Formats.scientific(o.bestArea()), Formats.scientific(o.cleanArea()));
    }

    private static EntryPageView.Example example(GalleryExample g, AttackLabels labels) {
        PngImages.Magnified delta = PngImages.perturbation(g.clean(), g.adversarial(), g.channels(), g.height(), g.width());
        EntryPageView.Images images = new EntryPageView.Images(
                PngImages.image(g.clean(), g.channels(), g.height(), g.width()), delta.dataUri(),
                Formats.number(delta.factor()), PngImages.image(g.adversarial(), g.channels(), g.height(), g.width()));
        return new EntryPageView.Example(labels.of(g.attack()), Formats.normName(g.norm()), Formats.epsilon(g.epsilon()),
                Formats.integer(g.label()), Formats.integer(g.cleanPrediction()),
                Formats.integer(g.adversarialPrediction()), g.fooled(), images, Formats.number(g.perturbationNorm()));
    }

    private static EntryPageView.Check check(SanityCheck c) {
        return new EntryPageView.Check(c.check(), c.status().label(), Formats.number(c.value()),
                Formats.number(c.threshold()), c.detail());
    }

    private static EntryPageView.Measurement measurement(TimingMeasurement m, AttackLabels labels) {
        return new EntryPageView.Measurement(ChangeDetector.timingName(m.benchmark(), labels), Formats.number(m.score()),
                Formats.number(m.error()), m.unit(), Formats.integer(m.batchSize()), Formats.integer(m.iterations()));
    }

    private static List<LabeledValue> timingSettings(TimingReport timing) {
        return timing == null ? List.of() : new TreeMap<>(timing.settings()).entrySet().stream()
                .map(e -> new LabeledValue(e.getKey(), e.getValue())).toList();
    }

    private static List<EntryPageView.Epoch> epochs(ModelCard card) {
        List<EntryPageView.Epoch> epochs = new ArrayList<>();
        if (card != null && card.epochSeconds() != null) {
            for (int i = 0; i < card.epochSeconds().size(); i++) {
                epochs.add(new EntryPageView.Epoch(Formats.integer(i + 1L), Formats.duration(card.epochSeconds().get(i))));
            }
        }
        return epochs;
    }

    private static EntryPageView.Trend trend(Trend trend) {
        return new EntryPageView.Trend(trend.points().stream().map(p -> new EntryPageView.TrendPoint(p.run(), p.when(),
                Formats.percent(p.clean()), Formats.percent(p.headline()))).toList(),
                trend.runs() > 1 ? trend.sparkline() : "");
    }

    private static EntryPageView.Card card(ModelCard card) {
        return card == null ? new EntryPageView.Card(List.of(), "") : new EntryPageView.Card(cardLines(card), json(card));
    }

    private static EntryPageView.Reproduce reproduce(SiteContent content, ModelCard card, List<ResultRow> rows) {
        String commit = card == null || card.code() == null ? "unknown" : card.code().getOrDefault("git_commit", "unknown");
        return new EntryPageView.Reproduce(card == null ? "" : ReproduceConfig.yaml(card, rows, content::cardByHash),
                commit);
    }

    private static List<LabeledValue> cardLines(ModelCard card) {
        Map<String, String> lines = new LinkedHashMap<>();
        lines.put("entry", card.cellId());
        lines.put("cell hash", card.cellHash());
        lines.put("experiment", card.experiment());
        lines.put("defense", card.defense());
        lines.put("architecture", card.architecture());
        lines.put("seed", Formats.integer(card.seed()));
        lines.put("hyper-parameters", json(new TreeMap<>(card.params() == null ? Map.of() : card.params())).replace('\n', ' '));
        if (card.initFrom() != null) {
            lines.put("fine-tuned from", card.initFrom().get("cell") + " (" + card.initFrom().get("hash") + ")");
        }
        if (card.data() != null) {
            lines.put("data", card.data().dataset() + " · " + Formats.integer(card.data().trainSize()) + " training images · sha256 "
                    + card.data().sha256());
            lines.put("preprocessing", card.data().preprocessing() + " — " + card.data().preprocessingDetail());
        }
        if (card.code() != null) {
            card.code().forEach((k, v) -> lines.put("code " + k, v));
        }
        if (card.libraries() != null) {
            lines.putAll(card.libraries());
        }
        lines.put("device", card.device());
        if (card.metrics() != null) {
            card.metrics().forEach((k, v) -> lines.put("final " + k, Formats.number(v)));
        }
        if (card.notes() != null) {
            card.notes().forEach((k, v) -> lines.put(k, String.valueOf(v)));
        }
        lines.put("trained at", card.createdAt());
        return lines.entrySet().stream().map(e -> new LabeledValue(e.getKey(), e.getValue() == null ? "" : e.getValue()))
                .toList();
    }

    private static String json(Object value) {
        try {
            return Json.PRETTY.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
