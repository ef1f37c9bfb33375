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

    /** The detail naming the entry's parent (the cell it fine-tunes from). */
    public static final String INIT_FROM = "init_from";
    /** The detail of an imported model naming the ONNX operator that kept it from white-box scoring. */
    public static final String BLOCKING_OPERATOR = "blocking_operator";
    /** The detail of an imported model naming the ONNX node of {@link #BLOCKING_OPERATOR}. */
    public static final String BLOCKING_NODE = "blocking_node";

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

    /** The entry id of the parent it fine-tunes from, or null for none. */
    public String parent() {
        return details.get(INIT_FROM);
    }

    /** The ONNX operator that kept an imported model from white-box scoring, or null for none. */
    public String blockingOperator() {
        return details.get(BLOCKING_OPERATOR);
    }

    /** The ONNX node of {@link #blockingOperator()}, or empty. */
    public String blockingNode() {
        return details.getOrDefault(BLOCKING_NODE, "");
    }
}
