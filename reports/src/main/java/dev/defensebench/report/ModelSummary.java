package dev.defensebench.report;

import dev.defensebench.model.ModelCard;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What the leaderboard shows about one trained model besides its scores: identity, training time and
 * a few provenance lines (hyper-parameters, data checksum, ...).
 *
 * @param model         the entry id, matching {@link ResultRow#model()}
 * @param defense       the defense id
 * @param architecture  the architecture id
 * @param dataset       the dataset id, matching {@link ResultRow#dataset()}
 * @param preprocessing the input preprocessing, e.g. "unit"
 * @param seed          the training seed
 * @param trainSeconds  wall-clock training time (NaN when unknown)
 * @param createdAt     when the model was trained, as text (e.g. ISO-8601); may be empty
 * @param details       provenance lines to show, label to value, in display order; may be empty
 * @param budget        what its training spent, alone and with its ancestors; null when unknown (an import)
 */
public record ModelSummary(String model, String defense, String architecture, String dataset,
        String preprocessing, long seed, double trainSeconds, String createdAt, Map<String, String> details,
        ModelCard.Budget budget) {

    /** Rejects nulls; copies {@code details} (keeping its order). */
    public ModelSummary {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(defense, "defense");
        Objects.requireNonNull(architecture, "architecture");
        Objects.requireNonNull(dataset, "dataset");
        Objects.requireNonNull(preprocessing, "preprocessing");
        Objects.requireNonNull(createdAt, "createdAt");
        details = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(details, "details")));
    }
}
