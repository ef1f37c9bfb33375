package dev.defensebench.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.defensebench.files.Json;
import dev.defensebench.model.ModelCard;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The data of one entry page, as the template {@code entry.ftlh} sees it: headline numbers, one
 * accuracy-vs-ε SVG per norm (every attack and the worst case), the result rows, the adversarial
 * examples as inline PNGs, the sanity checks with their numbers, the JMH timings with the machine, the
 * training time per epoch, the trend over runs, the model card and the commands and config that
 * reproduce the entry.
 */
final class EntryPage {

    private EntryPage() {
    }

    static Map<String, Object> model(String model, List<ResultRow> all, ModelCard card,
            Function<String, ModelCard> cardsByHash, Leaderboard.Headline headline, List<SanityCheck> sanity,
            boolean sanityRecorded, List<TimingMeasurement> timing, TimingReport timingReport,
            List<GalleryExample> gallery, Trend trend) {
        // certified rows (lower bounds) are drawn and listed, but take no part in the attack numbers
        List<ResultRow> rows = all.stream().filter(r -> !r.isCertified()).toList();
        Map<String, Object> page = new LinkedHashMap<>();
        ResultRow first = rows.isEmpty() ? null : rows.get(0);
        page.put("model", model);
        page.put("defense", card != null ? card.defense() : first != null ? first.defense() : "");
        page.put("architecture", card != null ? card.architecture() : first != null ? first.architecture() : "");
        page.put("dataset", card != null ? card.data().dataset() : first != null ? first.dataset() : "");
        ResultRow clean = rows.stream().filter(ResultRow::isClean).findFirst().orElse(null);
        double cleanAccuracy = clean == null ? Double.NaN
                : Double.isNaN(clean.cleanAccuracy()) ? clean.robustAccuracy() : clean.cleanAccuracy();
        page.put("clean", Formats.percent(cleanAccuracy));
        page.put("cleanCi", clean == null ? "" : Formats.percentRange(
                WilsonInterval.ofFraction(cleanAccuracy, clean.samples()).low(),
                WilsonInterval.ofFraction(cleanAccuracy, clean.samples()).high()));
        page.put("samples", clean == null ? "" : Integer.toString(clean.samples()));
        page.put("headlineMetric", trend.metric());
        page.put("headline", headline == null || headline.first() == null ? Formats.ABSENT
                : Formats.percent(new Leaderboard.Headline(headline.epsilons(),
                        rows.stream().anyMatch(Leaderboard::isWorstCase)).value(rows)));
        page.put("rho2", rows.stream().filter(ResultRow::givesRho2).findFirst().map(r -> Formats.scientific(r.rho2()))
                .orElse(Formats.ABSENT));
        page.put("charts", charts(all, cleanAccuracy));
        page.put("rows", all.stream().filter(r -> !r.isClean())
                .sorted(Comparator.comparing(ResultRow::norm).thenComparing(ResultRow::attack)
                        .thenComparingDouble(ResultRow::epsilon))
                .map(EntryPage::row).toList());
        AttackLabels labels = AttackLabels.of(rows);
        page.put("optimality", AttackOptimality.of(rows).stream().map(o -> optimality(o, labels)).toList());
        page.put("gallery", gallery.stream().map(g -> example(g, labels)).toList());
        page.put("sanityRecorded", sanityRecorded);
        page.put("sanity", sanity == null ? List.of() : sanity.stream().map(EntryPage::check).toList());
        page.put("timing", timing.stream().map(m -> timing(m, labels)).toList());
        page.put("machine", timingReport == null ? "" : timingReport.machine().describe());
        page.put("timingSettings", timingReport == null ? List.of() : new TreeMap<>(timingReport.settings()).entrySet()
                .stream().map(e -> Map.of("label", e.getKey(), "value", e.getValue())).toList());
        List<Map<String, Object>> epochs = new ArrayList<>();
        if (card != null && card.epochSeconds() != null) {
            for (int i = 0; i < card.epochSeconds().size(); i++) {
                epochs.add(Map.of("epoch", Integer.toString(i + 1),
                        "time", Formats.duration(card.epochSeconds().get(i))));
            }
        }
        page.put("epochs", epochs);
        page.put("trainTime", card == null || card.epochSeconds() == null ? Formats.ABSENT
                : Formats.duration(card.trainSeconds()));
        page.put("trend", trend.points().stream().map(p -> Map.of("run", p.run(), "when", p.when(),
                "clean", Formats.percent(p.clean()), "headline", Formats.percent(p.headline()))).toList());
        page.put("trendSvg", trend.runs() > 1 ? trend.sparkline() : "");
        page.put("card", card == null ? List.of() : cardLines(card));
        page.put("cardJson", card == null ? "" : json(card));
        page.put("reproduceYaml", card == null ? "" : ReproduceConfig.yaml(card, rows, cardsByHash));
        String commit = card == null || card.code() == null ? "unknown" : card.code().getOrDefault("git_commit", "unknown");
        page.put("commit", commit);
        page.put("experimentName", card != null ? card.experiment() : first != null ? first.experiment() : "");
        return page;
    }

    private static Map<String, Object> optimality(AttackOptimality o, AttackLabels labels) {
        return Map.of("norm", o.norm(), "attack", labels.of(o.attack()),
                "optimality", Double.isNaN(o.optimality()) ? Formats.ABSENT : String.format(Locale.ROOT, "%.3f", o.optimality()),
                "area", Formats.scientific(o.area()), "bestArea", Formats.scientific(o.bestArea()),
                "cleanArea", Formats.scientific(o.cleanArea()));
    }

    private static List<Map<String, Object>> charts(List<ResultRow> rows, double cleanAccuracy) {
        Map<String, Map<String, List<ResultRow>>> byNorm = new TreeMap<>();
        Map<String, Map<String, List<ResultRow>>> certifiedByNorm = new TreeMap<>();
        for (ResultRow r : rows) {
            if (r.isCertified()) {
                certifiedByNorm.computeIfAbsent(r.norm(), n -> new TreeMap<>())
                        .computeIfAbsent(r.attack(), a -> new ArrayList<>()).add(r);
            } else if (!r.isClean()) {
                byNorm.computeIfAbsent(r.norm(), n -> new TreeMap<>()).computeIfAbsent(r.attack(), a -> new ArrayList<>())
                        .add(r);
            }
        }
        certifiedByNorm.keySet().forEach(n -> byNorm.computeIfAbsent(n, k -> new TreeMap<>()));
        List<Map<String, Object>> charts = new ArrayList<>();
        byNorm.forEach((norm, byAttack) -> {
            List<SvgChart.Series> series = new ArrayList<>();
            boolean perPoint = byAttack.keySet().stream().anyMatch(a -> a.equalsIgnoreCase(Leaderboard.WORST_CASE_ATTACK));
            Map<Double, Double> lowest = new TreeMap<>();
            byAttack.forEach((attack, attackRows) -> {
                boolean worst = attack.equalsIgnoreCase(Leaderboard.WORST_CASE_ATTACK);
                List<double[]> points = new ArrayList<>();
                if (!Double.isNaN(cleanAccuracy)) {
                    points.add(new double[] {0, cleanAccuracy});
                }
                attackRows.stream().sorted(Comparator.comparingDouble(ResultRow::epsilon))
                        .forEach(r -> points.add(new double[] {r.epsilon(), r.robustAccuracy()}));
                if (!worst) {
                    attackRows.forEach(r -> lowest.merge(r.epsilon(), r.robustAccuracy(), Math::min));
                }
                series.add(new SvgChart.Series(worst ? "worst case (per point)" : attackRows.get(0).attackLabel(), points, worst));
            });
            if (!perPoint && byAttack.size() > 1) {
                List<double[]> points = new ArrayList<>();
                if (!Double.isNaN(cleanAccuracy)) {
                    points.add(new double[] {0, cleanAccuracy});
                }
                lowest.forEach((eps, acc) -> points.add(new double[] {eps, acc}));
                series.add(new SvgChart.Series("lowest over attacks", points, true));
            }
            certifiedByNorm.getOrDefault(norm, Map.of()).forEach((certifier, certifiedRows) -> {
                List<double[]> points = new ArrayList<>();
                certifiedRows.stream().sorted(Comparator.comparingDouble(ResultRow::epsilon))
                        .forEach(r -> points.add(new double[] {r.epsilon(), r.robustAccuracy()}));
                series.add(new SvgChart.Series("certified: " + certifiedRows.get(0).attackLabel(), points, false));
            });
            series.sort(Comparator.comparing(SvgChart.Series::emphasized));
            String title = "Robust accuracy vs " + Formats.normName(norm) + " ε";
            charts.add(Map.of("norm", Formats.normName(norm),
                    "svg", SvgChart.accuracyCurve(title, Formats.normName(norm) + " perturbation budget ε", series)));
        });
        return charts;
    }

    private static Map<String, Object> row(ResultRow r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("attack", Leaderboard.isWorstCase(r) ? "worst case (per point)"
                : r.isCertified() ? "certified: " + r.attackLabel() : r.attackLabel());
        m.put("norm", Formats.normName(r.norm()));
        m.put("epsilon", Formats.epsilon(r.epsilon()));
        m.put("robust", Formats.percent(r.robustAccuracy()));
        m.put("ci", Formats.percentRange(r.robustCiLow(), r.robustCiHigh()));
        m.put("samples", Integer.toString(r.samples()));
        m.put("rho2", Formats.scientific(r.rho2()));
        m.put("time", Formats.duration(r.attackSeconds()));
        m.put("params", r.attackParams());
        return m;
    }

    private static Map<String, Object> example(GalleryExample g, AttackLabels labels) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("attack", labels.of(g.attack()));
        m.put("norm", Formats.normName(g.norm()));
        m.put("epsilon", Formats.epsilon(g.epsilon()));
        m.put("label", Integer.toString(g.label()));
        m.put("cleanPrediction", Integer.toString(g.cleanPrediction()));
        m.put("adversarialPrediction", Integer.toString(g.adversarialPrediction()));
        m.put("fooled", g.fooled());
        m.put("clean", PngImages.image(g.clean(), g.channels(), g.height(), g.width()));
        m.put("adversarial", PngImages.image(g.adversarial(), g.channels(), g.height(), g.width()));
        PngImages.Magnified delta = PngImages.perturbation(g.clean(), g.adversarial(), g.channels(), g.height(), g.width());
        m.put("perturbation", delta.dataUri());
        m.put("magnification", Formats.number(delta.factor()));
        m.put("perturbationNorm", Formats.number(g.perturbationNorm()));
        return m;
    }

    private static Map<String, Object> check(SanityCheck c) {
        return Map.of("check", c.check(), "status", c.status().label(), "value", Formats.number(c.value()),
                "threshold", Formats.number(c.threshold()), "detail", c.detail());
    }

    private static Map<String, Object> timing(TimingMeasurement m, AttackLabels labels) {
        return Map.of("benchmark", ChangeDetector.timingName(m.benchmark(), labels),
                "score", Formats.number(m.score()), "error", Formats.number(m.error()), "unit", m.unit(),
                "batch", Integer.toString(m.batchSize()), "iterations", Integer.toString(m.iterations()));
    }

    private static List<Map<String, Object>> cardLines(ModelCard card) {
        Map<String, String> lines = new LinkedHashMap<>();
        lines.put("entry", card.cellId());
        lines.put("cell hash", card.cellHash());
        lines.put("experiment", card.experiment());
        lines.put("defense", card.defense());
        lines.put("architecture", card.architecture());
        lines.put("seed", Long.toString(card.seed()));
        lines.put("hyper-parameters", json(new TreeMap<>(card.params() == null ? Map.of() : card.params())).replace('\n', ' '));
        if (card.initFrom() != null) {
            lines.put("fine-tuned from", card.initFrom().get("cell") + " (" + card.initFrom().get("hash") + ")");
        }
        if (card.data() != null) {
            lines.put("data", card.data().dataset() + " · " + card.data().trainSize() + " training images · sha256 "
                    + card.data().sha256());
            lines.put("preprocessing", card.data().preprocessing() + " — " + card.data().preprocessingDetail());
        }
        if (card.code() != null) {
            card.code().forEach((k, v) -> lines.put("code " + k, v));
        }
        if (card.libraries() != null) {
            card.libraries().forEach((k, v) -> lines.put(k, v));
        }
        lines.put("device", card.device());
        if (card.metrics() != null) {
            card.metrics().forEach((k, v) -> lines.put("final " + k, Formats.number(v)));
        }
        if (card.notes() != null) {
            card.notes().forEach((k, v) -> lines.put(k, String.valueOf(v)));
        }
        lines.put("trained at", card.createdAt());
        return lines.entrySet().stream().map(e -> Map.<String, Object>of("label", e.getKey(),
                "value", e.getValue() == null ? "" : e.getValue())).toList();
    }

    private static String json(Object value) {
        try {
            return Json.PRETTY.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
