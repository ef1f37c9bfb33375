package dev.defensebench.report;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The attack columns of one dataset's leaderboard table: one per (attack, norm, ε) found in its rows,
 * clean and worst-case rows excluded, grouped by (attack, norm) in order of first appearance with the ε
 * ascending; the norm is named in the label only when the attack was run under several norms.
 *
 * @param keys          the (attack, norm, ε) of each column
 * @param columns       the columns' labels and titles, in the same order
 * @param minNormGroups the {@link AttackKey#group() groups} whose attack is min-norm (a row carries a ρ2)
 */
record AttackColumns(List<AttackKey> keys, List<BoardColumn> columns, Set<String> minNormGroups) {

    /** The attack columns of {@code rows}, which must all be of one dataset. */
    static AttackColumns of(List<ResultRow> rows) {
        AttackLabels labels = AttackLabels.of(rows);
        Map<String, TreeSet<Double>> epsilonsByGroup = new LinkedHashMap<>();
        Map<String, AttackKey> groupSample = new HashMap<>();
        Set<String> minNormGroups = new HashSet<>();
        Map<String, Set<String>> normsByAttack = new HashMap<>();
        for (ResultRow row : rows) {
            if (row.isClean() || Leaderboard.isWorstCase(row)) {
                continue;
            }
            AttackKey key = AttackKey.of(row);
            epsilonsByGroup.computeIfAbsent(key.group(), g -> new TreeSet<>()).add(row.epsilon());
            groupSample.putIfAbsent(key.group(), key);
            normsByAttack.computeIfAbsent(row.attack(), a -> new HashSet<>()).add(row.norm());
            if (row.isMinNorm()) {
                minNormGroups.add(key.group());
            }
        }
        List<AttackKey> keys = new ArrayList<>();
        List<BoardColumn> columns = new ArrayList<>();
        epsilonsByGroup.forEach((group, epsilons) -> {
            AttackKey sample = groupSample.get(group);
            boolean ambiguous = normsByAttack.get(sample.attack()).size() > 1;
            for (double epsilon : epsilons) {
                keys.add(new AttackKey(sample.attack(), sample.norm(), epsilon));
                columns.add(column(labels.of(sample.attack()), sample.norm(), epsilon, ambiguous,
                        minNormGroups.contains(group)));
            }
        });
        return new AttackColumns(keys, columns, minNormGroups);
    }

    private static BoardColumn column(String label, String norm, double epsilon, boolean ambiguous, boolean minNorm) {
        return new BoardColumn(
                label + (ambiguous ? " " + Formats.normName(norm) : "") + " ε=" + Formats.epsilon(epsilon),
                "Robust accuracy under " + label + ", " + Formats.normName(norm) + " ε=" + epsilon
                        + (minNorm ? " (min-norm attack, thresholded at ε)" : " (fixed-ε attack)"));
    }
}
