package dev.defensebench.app.config;

import java.util.List;
import java.util.Map;

/**
 * One entry of the board: a defense trained on one or more architectures.
 *
 * @param name unique within the experiment; other entries refer to it in {@code init_from}
 * @param defense a registered defense, e.g. "deep-defense"
 * @param architectures registered architectures, e.g. [mlp, lenet]
 * @param initFrom another entry to fine-tune from (same architecture and seed), or null
 * @param params the defense's hyper-parameters (unknown keys are errors)
 */
public record ModelEntry(
        String name, String defense, List<String> architectures, String initFrom, Map<String, Object> params) {

    public ModelEntry {
        architectures = architectures == null ? List.of() : List.copyOf(architectures);
        params = params == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(params));
    }
}
