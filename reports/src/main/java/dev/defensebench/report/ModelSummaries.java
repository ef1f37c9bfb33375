package dev.defensebench.report;

import dev.defensebench.model.ModelCard;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds the board's {@link ModelSummary} of a model from its {@link ModelCard}. */
public final class ModelSummaries {

    private ModelSummaries() {
    }

    /** The summary of {@code card}: identity, training time, hyper-parameters, parent and notes. */
    public static ModelSummary of(ModelCard card) {
        Map<String, String> details = new LinkedHashMap<>();
        if (card.params() != null) {
            card.params().forEach((k, v) -> details.put(k, String.valueOf(v)));
        }
        if (card.initFrom() != null) {
            details.put(ModelSummary.INIT_FROM, card.initFrom().get("cell"));
        }
        if (card.notes() != null) {
            card.notes().forEach((k, v) -> details.put(k, String.valueOf(v)));
        }
        return new ModelSummary(card.cellId(), card.defense(), card.architecture(), card.data().dataset(),
                card.data().preprocessing(), card.seed(), card.epochSeconds() == null ? Double.NaN : card.trainSeconds(),
                card.createdAt() == null ? "" : card.createdAt(), details,
                card.budget());
    }
}
