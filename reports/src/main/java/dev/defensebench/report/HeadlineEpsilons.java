package dev.defensebench.report;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Chooses the headline ε of every norm of one dataset's board: the ε of its worst-case column, which
 * ranks the board. A norm the experiment names in its {@code headline:} key gets that ε. Every other
 * norm gets, among the ε that every entry with results of that norm was scored at (ε = 0 only when there
 * is no other), the most discriminating one: the ε where the entries' worst-case robust accuracies spread
 * most (highest minus lowest), the larger ε on a tie. An ε at which every entry scores 0% (or every entry
 * 100%) says nothing and is chosen only when every ε is like that; with one entry the rule gives the
 * largest ε at which it is neither 0% nor 100%.
 */
final class HeadlineEpsilons {

    private HeadlineEpsilons() {
    }

    /**
     * Norm to headline ε: the configured norms first (in their order), then the others in order of first
     * appearance.
     *
     * @param byModel       each entry's rows of this dataset
     * @param minNormGroups the attack groups that are min-norm (not a candidate in the fallback)
     * @param perPoint      whether the rows hold per-point worst-case rows
     * @param configured    the experiment's headline ε per norm (empty for none)
     * @throws IllegalArgumentException when a configured norm has results but none at its ε
     */
    static Map<String, Double> choose(Map<String, List<ResultRow>> byModel, Set<String> minNormGroups,
            boolean perPoint, Map<String, Double> configured) {
        Map<String, Set<Double>> common = commonEpsilons(byModel, minNormGroups, perPoint);
        Map<String, Double> chosen = new LinkedHashMap<>();
        configured.forEach((norm, epsilon) -> {
            Set<Double> seen = new TreeSet<>();
            byModel.values().forEach(rows -> rows.stream()
                    .filter(r -> !r.isClean() && Leaderboard.isWorstCase(r) == perPoint && r.norm().equals(norm))
                    .forEach(r -> seen.add(r.epsilon())));
            if (seen.isEmpty()) {
                return; // no result of that norm on this board
            }
            if (!seen.contains(epsilon)) {
                throw new IllegalArgumentException(HeadlineFile.FILE + ": the headline names " + norm + " ε=" + epsilon
                        + ", but no entry has a " + norm + " result at that ε; the results have ε " + seen);
            }
            chosen.put(norm, epsilon);
        });
        common.forEach((norm, epsilons) -> {
            if (!chosen.containsKey(norm) && !epsilons.isEmpty()) {
                chosen.put(norm, mostDiscriminating(byModel, norm, epsilons, perPoint));
            }
        });
        return chosen;
    }

    /** Per norm, the ε that every entry with candidate rows of that norm shares. */
    private static Map<String, Set<Double>> commonEpsilons(Map<String, List<ResultRow>> byModel,
            Set<String> minNormGroups, boolean perPoint) {
        Map<String, Set<Double>> common = new LinkedHashMap<>();
        for (List<ResultRow> modelRows : byModel.values()) {
            Map<String, Set<Double>> mine = new LinkedHashMap<>();
            for (ResultRow row : modelRows) {
                boolean counts = perPoint ? Leaderboard.isWorstCase(row)
                        : !row.isClean() && !minNormGroups.contains(AttackKey.of(row).group());
                if (counts) {
                    mine.computeIfAbsent(row.norm(), n -> new HashSet<>()).add(row.epsilon());
                }
            }
            mine.forEach((norm, epsilons) -> {
                Set<Double> shared = common.get(norm);
                if (shared == null) {
                    common.put(norm, new TreeSet<>(epsilons));
                } else {
                    shared.retainAll(epsilons);
                }
            });
        }
        return common;
    }

    /** The default rule over {@code epsilons} (ascending) of {@code norm}; see the class comment. */
    private static double mostDiscriminating(Map<String, List<ResultRow>> byModel, String norm, Set<Double> epsilons,
            boolean perPoint) {
        List<Double> candidates = new ArrayList<>(epsilons.stream().filter(e -> e > 0).toList());
        if (candidates.isEmpty()) {
            candidates.addAll(epsilons);
        }
        double best = candidates.get(candidates.size() - 1);
        double bestSpread = -1;
        for (double epsilon : candidates) {
            double low = Double.POSITIVE_INFINITY;
            double high = Double.NEGATIVE_INFINITY;
            for (List<ResultRow> rows : byModel.values()) {
                double v = Leaderboard.worstCase(rows, perPoint, norm, epsilon);
                if (!Double.isNaN(v)) {
                    low = Math.min(low, v);
                    high = Math.max(high, v);
                }
            }
            boolean saysSomething = high > low || high == low && low > 0 && high < 1;
            if (saysSomething && high - low >= bestSpread) { // ascending ε: ">=" keeps the larger on a tie
                best = epsilon;
                bestSpread = high - low;
            }
        }
        return best;
    }
}
