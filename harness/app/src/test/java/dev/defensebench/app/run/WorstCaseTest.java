package dev.defensebench.app.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.defensebench.app.config.Plugins;
import dev.defensebench.spi.Norm;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WorstCaseTest {

    @Test
    void worstCaseBreaksEveryPointAnyAttackBreaksAndNothingElse() {
        Random random = new Random(4);
        int n = 200;
        boolean[] cleanCorrect = new boolean[n];
        for (int i = 0; i < n; i++) {
            cleanCorrect[i] = random.nextDouble() < 0.9;
        }
        AttackOutcome fgsm = fixed("fgsm", Norm.LINF, List.of(0.1, 0.3), n, random, cleanCorrect);
        AttackOutcome pgd = fixed("pgd", Norm.LINF, List.of(0.2, 0.3), n, random, cleanCorrect);
        AttackOutcome deepfool = minNorm("deepfool", Norm.L2, List.of(1.0), n, random, cleanCorrect);
        AttackOutcome cw = minNorm("cw-l2", Norm.L2, List.of(0.5, 2.0), n, random, cleanCorrect);
        List<AttackOutcome> all = List.of(fgsm, pgd, deepfool, cw);
        List<WorstCase.Point> points = WorstCase.of(all, cleanCorrect);
        assertThat(points).extracting(p -> p.norm().label() + " " + p.epsilon()).containsExactly(
                "Linf 0.1", "Linf 0.2", "Linf 0.3", "L2 0.5", "L2 1.0", "L2 2.0");
        boolean[] cleanWrong = new boolean[n];
        for (int i = 0; i < n; i++) {
            cleanWrong[i] = !cleanCorrect[i];
        }
        for (WorstCase.Point p : points) {
            for (int i = 0; i < n; i++) {
                boolean any = cleanWrong[i];
                for (AttackOutcome o : all) {
                    if (o.norm() != p.norm()) {
                        continue;
                    }
                    boolean[] b = o.brokenWithin(p.epsilon(), cleanWrong);
                    if (b != null) {
                        any |= b[i];
                        // never weaker than any single attack, point by point
                        assertThat(!b[i] || p.broken()[i]).as(o.attack() + " point " + i + " at " + p.epsilon()).isTrue();
                    }
                }
                assertThat(p.broken()[i]).isEqualTo(any);
            }
        }
        // fixed-ε attacks count at their largest grid ε not above the point: at Linf 0.2 fgsm's 0.1 result is used
        WorstCase.Point linf02 = points.get(1);
        assertThat(linf02.attacks()).containsExactly("fgsm", "pgd");
        for (int i = 0; i < n; i++) {
            assertThat(linf02.broken()[i]).isEqualTo(cleanWrong[i] || fgsm.success()[0][i] || pgd.success()[0][i]);
        }
        // min-norm attacks are thresholded at every ε of the union, also the ones outside their own grid
        WorstCase.Point l2half = points.get(3);
        assertThat(l2half.attacks()).containsExactly("deepfool", "cw-l2");
        for (int i = 0; i < n; i++) {
            boolean expected = cleanWrong[i] || deepfool.distances()[i] <= 0.5 || cw.distances()[i] <= 0.5;
            assertThat(l2half.broken()[i]).isEqualTo(expected);
        }
        // and the curve never rises
        assertThat(points.get(0).robustAccuracy()).isGreaterThanOrEqualTo(points.get(1).robustAccuracy());
        assertThat(points.get(1).robustAccuracy()).isGreaterThanOrEqualTo(points.get(2).robustAccuracy());
        assertThat(points.get(3).robustAccuracy()).isGreaterThanOrEqualTo(points.get(4).robustAccuracy());
    }

    /** Random per-point successes, monotone in ε as a real attack's would be. */
    static AttackOutcome fixed(String name, Norm norm, List<Double> grid, int n, Random random, boolean[] cleanCorrect) {
        boolean[][] success = new boolean[grid.size()][n];
        for (int i = 0; i < n; i++) {
            double threshold = random.nextDouble() * 0.4;
            for (int e = 0; e < grid.size(); e++) {
                success[e][i] = !cleanCorrect[i] || grid.get(e) >= threshold;
            }
        }
        return new AttackOutcome(name, Plugins.discover().attack(name).traits(), norm, grid, success, null, 1.0, 0, 0);
    }

    @Test
    void medianDistanceCountsUnfoundPointsAsInfiniteAndSkipsUnusedOnes() {
        float inf = Float.POSITIVE_INFINITY;
        AttackOutcome o = new AttackOutcome("fmn", Plugins.discover().attack("fmn").traits(), Norm.L2, List.of(1.0),
                new boolean[1][5], new float[] {0.5f, 3f, inf, 0.1f, 9f}, 1, 0, 0);
        assertThat(o.medianDistance(new boolean[] {true, true, true, true, false})).isEqualTo(1.75);
        assertThat(o.medianDistance(new boolean[] {true, true, true, false, false})).isEqualTo(3.0);
        assertThat(o.medianDistance(new boolean[] {false, false, true, false, false})).isInfinite();
        assertThat(o.medianDistance(new boolean[5])).isNaN();
    }

    static AttackOutcome minNorm(String name, Norm norm, List<Double> grid, int n, Random random, boolean[] cleanCorrect) {
        float[] distances = new float[n];
        boolean[][] success = new boolean[grid.size()][n];
        for (int i = 0; i < n; i++) {
            distances[i] = random.nextDouble() < 0.1 ? Float.POSITIVE_INFINITY : (float) (random.nextDouble() * 3);
            for (int e = 0; e < grid.size(); e++) {
                success[e][i] = !cleanCorrect[i] || distances[i] <= grid.get(e);
            }
        }
        return new AttackOutcome(name, Plugins.discover().attack(name).traits(), norm, grid, success, distances, 2.0, 0, 0);
    }

    /** A reliable fixed-ε run vouches for the worst case only at its own ε; a reliable min-norm one at every ε of its norm. */
    @Test
    void aReliableEvaluationVouchesOnlyForTheWorstCaseAtItsOwnEpsilon() {
        Random random = new Random(5);
        int n = 50;
        boolean[] cleanCorrect = new boolean[n];
        java.util.Arrays.fill(cleanCorrect, true);
        AttackOutcome pgd = fixed("pgd", Norm.LINF, List.of(0.1, 0.3), n, random, cleanCorrect);
        AttackOutcome autoattack = fixed("autoattack", Norm.LINF, List.of(0.1), n, random, cleanCorrect);
        AttackOutcome deepfool = minNorm("deepfool", Norm.L2, List.of(1.0), n, random, cleanCorrect);
        List<WorstCase.Point> points = WorstCase.of(List.of(pgd, autoattack, deepfool), cleanCorrect);
        java.util.Map<String, Boolean> reliable = new java.util.LinkedHashMap<>();
        points.forEach(p -> reliable.put(p.norm().label() + " " + p.epsilon(), WorstCase.reliableAt(p, List.of(autoattack))));
        // at 0.3 AutoAttack's 0.1 result is folded in (a smaller ball), but it says nothing reliable about 0.3
        assertThat(reliable).containsExactly(java.util.Map.entry("Linf 0.1", true), java.util.Map.entry("Linf 0.3", false),
                java.util.Map.entry("L2 1.0", false));
        assertThat(WorstCase.reliableAt(points.get(2), List.of(deepfool))).isTrue();
        assertThat(WorstCase.reliableAt(points.get(0), List.of())).isFalse();
    }
}
