package dev.defensebench.spi;

import java.util.List;

/**
 * What an adversary may do: a norm and the grid of budgets ε at which robust accuracy is reported.
 * Fixed-ε attacks run once per ε; min-norm attacks run once and are thresholded at every ε.
 */
public record ThreatModel(Norm norm, List<Double> epsilons) {

    public ThreatModel {
        epsilons = List.copyOf(epsilons);
        if (epsilons.isEmpty()) {
            throw new IllegalArgumentException("a threat model needs at least one epsilon");
        }
        for (double e : epsilons) {
            if (!(e >= 0) || Double.isInfinite(e)) {
                throw new IllegalArgumentException("epsilon must be finite and >= 0, got " + e);
            }
        }
    }
}
