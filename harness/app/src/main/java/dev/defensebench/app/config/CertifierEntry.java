package dev.defensebench.app.config;

import java.util.List;
import java.util.Map;

/**
 * One certifier run on every entry (the experiment file's {@code certifiers:} list).
 *
 * @param certifier a registered certifier, e.g. "randomized-smoothing" or "ibp"
 * @param epsilons the radii at which certified accuracy is reported, in the certifier's norm
 * @param params the certifier's hyper-parameters (unknown keys are errors)
 * @param seed seeds the certifier's randomness (default 0)
 * @param name the id of its rows and board column (default: the certifier's id); tells apart two entries of
 *     one certifier, e.g. randomized smoothing at σ 0.25 and at σ 0.5
 */
public record CertifierEntry(String certifier, List<Double> epsilons, Map<String, Object> params, Long seed, String name) {

    public CertifierEntry {
        epsilons = epsilons == null ? List.of() : List.copyOf(epsilons);
        params = params == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(params));
        seed = seed == null ? 0L : seed;
        name = name == null ? certifier : name;
    }
}
