package dev.defensebench.spi;

import java.util.List;

/**
 * What one attack run produced for a batch: per ε, the adversarial examples and per-sample success;
 * for min-norm attacks also the per-sample perturbation norms (+Inf where none was found) and the
 * input norms, so that relative sizes such as DeepFool's ρ2 = mean ‖Δx‖₂/‖x‖₂ can be reported. An
 * ensemble also reports its stages (empty for a single attack).
 */
public record AttackResult(
        String attack, Norm norm, List<EpsilonOutcome> outcomes, float[] distances, float[] inputNorms,
        List<StageOutcome> stages) {

    public AttackResult {
        outcomes = List.copyOf(outcomes);
        stages = stages == null ? List.of() : List.copyOf(stages);
    }

    /** A result without stages. */
    public AttackResult(String attack, Norm norm, List<EpsilonOutcome> outcomes, float[] distances, float[] inputNorms) {
        this(attack, norm, outcomes, distances, inputNorms, List.of());
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
