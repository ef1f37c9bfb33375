package dev.defensebench.report;

import dev.defensebench.model.ModelCard;
import dev.defensebench.spi.TrainingBudget;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.ToLongFunction;

/**
 * What makes a board's ranking publishable, checked as RobustBench does: every headline worst case rests
 * on a reliable evaluation ({@link ResultRow#isReliable()}: AutoAttack's standard version at the headline
 * ε, folded per point with every other attack), and the entries trained on comparable budgets (images
 * seen within {@value #BUDGET_RATIO}×). A ranking that fails the first is <em>indicative</em>, with the
 * reasons; one that fails the second carries a warning naming the entries.
 */
final class RankingNotes {

    /** Two entries whose images seen differ by more than this factor do not compare. */
    static final double BUDGET_RATIO = 2.0;

    private RankingNotes() {
    }

    /**
     * Why the ranking of {@code byModel} (one board's rows by model) at the headline {@code worstEpsilons}
     * is only indicative; empty when every entry's per-point worst case at every headline ε includes a
     * reliable evaluation at exactly that ε.
     */
    static List<String> indicative(Map<String, List<ResultRow>> byModel, Map<String, Double> worstEpsilons,
            boolean perPoint) {
        if (worstEpsilons.isEmpty()) {
            return List.of("no attack ran at an ε that every entry shares, so the entries are ranked by clean accuracy");
        }
        if (!perPoint) {
            return List.of("the results have no per-point worst case (only each attack's own accuracy)");
        }
        List<String> reasons = new ArrayList<>();
        worstEpsilons.forEach((norm, epsilon) -> {
            List<String> missing = byModel.entrySet().stream()
                    .filter(e -> e.getValue().stream().noneMatch(r -> Leaderboard.isWorstCase(r) && r.isReliable()
                            && r.norm().equals(norm) && Double.compare(r.epsilon(), epsilon) == 0))
                    .map(Map.Entry::getKey).toList();
            if (!missing.isEmpty()) {
                reasons.add("no reliable evaluation at " + Formats.normName(norm) + " ε=" + Formats.epsilon(epsilon) + " for "
                        + (missing.size() == byModel.size() ? "any entry" : String.join(", ", missing)));
            }
        });
        return reasons;
    }

    /**
     * A warning when the entries' training budgets do not compare, or empty: two entries whose images seen
     * including their ancestors differ by more than {@value #BUDGET_RATIO}×, or two entries fine-tuned from
     * the same parent whose own fine-tuning differs so. Entries without a recorded budget (imports) are
     * left out.
     */
    static String budgetWarning(Collection<ModelSummary> summaries) {
        List<ModelSummary> known = summaries.stream().filter(s -> s.budget() != null).toList();
        List<String> warnings = new ArrayList<>();
        String total = spread(known, s -> s.budget().withAncestors().imagesSeen(), "including their ancestors' training");
        if (total != null) {
            warnings.add(total);
        }
        Map<String, List<ModelSummary>> byParent = new LinkedHashMap<>();
        // an entry that trained nothing itself (an input transformation over its parent) is no sibling to compare
        known.stream().filter(s -> s.parent() != null && s.budget().own().imagesSeen() > 0)
                .forEach(s -> byParent.computeIfAbsent(s.parent(), p -> new ArrayList<>()).add(s));
        byParent.forEach((parent, siblings) -> {
            String own = spread(siblings, s -> s.budget().own().imagesSeen(), "fine-tuning from " + parent);
            if (own != null) {
                warnings.add(own);
            }
        });
        return warnings.isEmpty() ? "" : "Training budgets differ by more than " + Formats.number(BUDGET_RATIO)
                + "×, so the ranking compares unequal training as much as defenses: " + String.join("; ", warnings) + ".";
    }

    /** "a saw 5k images, b 120k (24×), …" when the largest of {@code images} exceeds the ratio times the smallest. */
    private static String spread(List<ModelSummary> entries, ToLongFunction<ModelSummary> images, String what) {
        if (entries.size() < 2) {
            return null;
        }
        ModelSummary least = entries.stream().min(Comparator.comparingLong(images)).orElseThrow();
        ModelSummary most = entries.stream().max(Comparator.comparingLong(images)).orElseThrow();
        long low = images.applyAsLong(least);
        long high = images.applyAsLong(most);
        if (high <= BUDGET_RATIO * low) {
            return null;
        }
        String ratio = low == 0 ? "" : " (" + Formats.number((double) high / low) + "×)";
        return least.model() + " saw " + Formats.count(low) + " images and " + most.model() + " " + Formats.count(high)
                + ratio + ", " + what;
    }

    /**
     * The headline's training cell: the wall time, with the images seen (the ancestors' included) below;
     * the tooltip has the whole budget.
     */
    static BoardCell trainingCell(double trainSeconds, ModelCard.Budget budget) {
        BoardCell images = cell(budget);
        String time = Double.isNaN(trainSeconds) ? Formats.ABSENT : Formats.duration(trainSeconds);
        String detail = budget == null ? "" : images.text();
        String title = (Double.isNaN(trainSeconds) ? "training time unknown" : "training wall time " + trainSeconds + " s")
                + " · " + images.title();
        return new BoardCell(time, detail, title, Formats.sortValue(trainSeconds));
    }

    /** The board cell of an entry's budget: images seen with its ancestors, the passes per image below. */
    static BoardCell cell(ModelCard.Budget budget) {
        if (budget == null || budget.withAncestors() == null) {
            return BoardCell.absent("training budget unknown (a model trained elsewhere, or a card written before budgets)");
        }
        TrainingBudget total = budget.withAncestors();
        TrainingBudget own = Objects.requireNonNullElse(budget.own(), total);
        String detail = Formats.number(total.forwardPerImage()) + " F + " + Formats.number(total.backwardPerImage())
                + " B /img";
        String title = "images seen " + Formats.count(total.imagesSeen()) + " including ancestors (this training "
                + Formats.count(own.imagesSeen()) + "); forward image-passes " + Formats.count(total.forwardPasses())
                + ", backward " + Formats.count(total.backwardPasses()) + "; training wall time "
                + Formats.duration(total.seconds()) + " with ancestors";
        return new BoardCell(Formats.count(total.imagesSeen()), detail, title, Formats.integer(total.imagesSeen()));
    }
}
