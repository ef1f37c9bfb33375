package dev.defensebench.app.config;

import java.util.List;
import java.util.Map;

/**
 * One attack of the suite.
 *
 * @param attack a registered attack, e.g. "fgsm"
 * @param norm "L2" or "Linf" (must be one the attack supports)
 * @param epsilons the budgets at which robust accuracy is reported
 * @param params the attack's hyper-parameters (unknown keys are errors)
 * @param seed seeds the attack's randomness (default 0)
 */
public record AttackEntry(String attack, String norm, List<Double> epsilons, Map<String, Object> params, Long seed) {

    public AttackEntry {
        epsilons = epsilons == null ? List.of() : List.copyOf(epsilons);
        params = params == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(params));
        seed = seed == null ? 0L : seed;
    }
}
