package dev.defensebench.spi;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * What one attack run produced for a batch: per ε, the adversarial examples and per-sample success;
 * for min-norm attacks also the per-sample perturbation norms (+Inf where none was found), the input
 * norms, so that relative sizes such as DeepFool's ρ2 = mean ‖Δx‖₂/‖x‖₂ can be reported, and the points
 * found. These are claims: the harness checks every returned point and recomputes the distances from
 * {@code points}. An ensemble also reports its stages (empty for a single attack).
 *
 * @param points for a min-norm attack, per sample the adversarial point found (the input itself where
 *     none was found), shaped like the inputs; null for a fixed-ε attack
 * @param inBox whether the points are meant to lie in the model's input box (true except in an attack's
 *     explicitly unconstrained mode, e.g. DeepFool's {@code clip: false} as the papers measured ρ2); the
 *     harness checks the box only when true
 * @param stages an ensemble's stages, in order (empty for a single attack)
 */
public record AttackResult(String attack, Norm norm, List<EpsilonOutcome> outcomes, float[] distances,
        float[] inputNorms, NDArray points, boolean inBox, List<StageOutcome> stages) {

    public AttackResult {
        outcomes = List.copyOf(outcomes);
        stages = stages == null ? List.of() : List.copyOf(stages);
    }

    /** A result without stages (every attack but an ensemble). */
    public AttackResult(String attack, Norm norm, List<EpsilonOutcome> outcomes, float[] distances,
            float[] inputNorms, NDArray points, boolean inBox) {
        this(attack, norm, outcomes, distances, inputNorms, points, inBox, List.of());
    }

    /** Whether this came from a min-norm attack (distances present). */
    public boolean hasDistances() {
        return distances != null;
    }

    /**
     * Mean relative perturbation ‖Δx‖/‖x‖ over the samples with a finite distance (samples where the
     * attack found nothing are left out); NaN without distances.
     */
    public double meanRelativeDistance() {
        if (distances == null) {
            return Double.NaN;
        }
        double sum = 0;
        int n = 0;
        for (int i = 0; i < distances.length; i++) {
            if (Float.isFinite(distances[i]) && inputNorms[i] > 0) {
                sum += distances[i] / inputNorms[i];
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }
}
