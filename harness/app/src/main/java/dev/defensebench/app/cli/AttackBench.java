package dev.defensebench.app.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import dev.defensebench.model.BlockClassifier;
import dev.defensebench.spi.Attack;
import dev.defensebench.spi.AttackResult;
import dev.defensebench.spi.Classifier;
import dev.defensebench.spi.Hyperparameters;
import dev.defensebench.spi.Norm;
import dev.defensebench.spi.StageOutcome;
import dev.defensebench.spi.ThreatModel;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The attack half of {@code defense-bench bench}: images per second of one attack on one batch, with
 * one untimed warm-up run, then runs until at least {@code minSeconds} have been measured; the
 * robust accuracy of the last run is printed beside it as a check that the attack did its work. Wall
 * time and the process's CPU time are both printed: on a shared machine the CPU time is the steadier.
 *
 * @param minSeconds the least measured time per attack
 * @param linfEps ε of the ℓ∞ attacks
 * @param l2Eps ε of the ℓ2 attacks
 */
record AttackBench(double minSeconds, double linfEps, double l2Eps) {

    /** ε of {@code norm} for the fixed-ε attacks (and the threshold of the min-norm ones). */
    double epsilon(Norm norm) {
        return norm == Norm.LINF ? linfEps : l2Eps;
    }

    /** The norm an attack is benchmarked in: ℓ2 for DeepFool and C&W (ρ2), ℓ∞ otherwise when supported. */
    static Norm normOf(Attack attack) {
        return attack.norms().contains(Norm.LINF) && !attack.traits().minNorm() ? Norm.LINF
                : attack.norms().contains(Norm.L2) ? Norm.L2 : attack.norms().iterator().next();
    }

    /**
     * Times {@code attack} with {@code overrides} of its defaults on {@code x}, {@code y} in batches of {@code
     * batch} rows (one after the other, all in each timed run) and prints one table row: images/s, seconds
     * and CPU seconds per run, robust accuracy (and ρ2) over all rows; an ensemble's stages (robust points
     * after each, seconds of each) follow it, from the last timed run.
     */
    void time(PrintWriter out, String arch, Attack attack, Map<String, Object> overrides, Classifier model, NDArray x,
            NDArray y, int batch) {
        time(out, arch, attack, normOf(attack), overrides, model, x, y, batch);
    }

    /** {@link #time} in {@code norm} (one of the attack's), at that norm's ε. */
    void time(PrintWriter out, String arch, Attack attack, Norm norm, Map<String, Object> overrides, Classifier model,
            NDArray x, NDArray y, int batch) {
        Hyperparameters params = Hyperparameters.resolve("attack '" + attack.name() + "'", attack.parameters(), overrides);
        ThreatModel threat = new ThreatModel(norm, List.of(epsilon(norm)));
        runAll(attack, model, x, y, batch, threat, params, 0);
        BenchRuns<Totals> runs = BenchRuns.until(minSeconds, k -> runAll(attack, model, x, y, batch, threat, params, k));
        Totals last = runs.last();
        long n = x.getShape().get(0);
        String extra = last.rho2() >= 0 && norm == Norm.L2 ? String.format(Locale.ROOT, "rho2 %.6g", last.rho2()) : "";
        out.printf(Locale.ROOT, "| %s | %s | %s | %.1f | %.3f | %.3f | %.3f | %s |%n", arch, attack.name(), norm.label(),
                n / runs.seconds(), runs.seconds(), runs.cpuSeconds(), last.robust(), extra);
        for (StageOutcome stage : last.stages()) {
            out.printf(Locale.ROOT, "  after %-8s %4d/%d robust (%.1f%%), %.2f s%n", stage.stage(), stage.robust(),
                    stage.samples(), 100.0 * stage.robust() / stage.samples(), stage.seconds());
        }
        out.flush();
    }

    /** Robust accuracy and ρ2 (−1 without distances) over all rows; the stages of the last batch. */
    private record Totals(double robust, double rho2, List<StageOutcome> stages) {}

    /** The header of the table {@link #time} prints rows of. */
    static String header() {
        return "| arch | attack | norm | images/s | s/batch (wall) | CPU s/batch | robust acc. | |\n"
                + "|---|---|---|---|---|---|---|---|";
    }

    private static Totals runAll(Attack attack, Classifier model, NDArray x, NDArray y, int batch, ThreatModel threat,
            Hyperparameters params, long seed) {
        long n = x.getShape().get(0);
        double robust = 0;
        double rho = 0;
        boolean distances = true;
        List<StageOutcome> stages = List.of();
        for (long from = 0; from < n; from += batch) {
            long to = Math.min(n, from + batch);
            try (NDScope scope = new NDScope()) {
                AttackResult r = attack.run(model, x.get(from + ":" + to), y.get(from + ":" + to), threat, params, seed);
                robust += r.outcomes().get(0).robustAccuracy() * (to - from);
                distances &= r.hasDistances();
                rho += distances ? r.meanRelativeDistance() * (to - from) : 0;
                stages = r.stages();
                scope.suppressNotUsedWarning();
            }
        }
        return new Totals(robust / n, distances ? rho / n : -1, stages);
    }

    /** The fraction of {@code test}'s images (inputs, labels) that {@code model} classifies right. */
    static double accuracy(BlockClassifier model, NDList test) {
        long[] predicted = model.predict(test.get(0)).toLongArray();
        long[] labels = test.get(1).toLongArray();
        int right = 0;
        for (int i = 0; i < labels.length; i++) {
            right += predicted[i] == labels[i] ? 1 : 0;
        }
        return (double) right / labels.length;
    }
}
