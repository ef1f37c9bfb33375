package dev.defensebench.app.run;

import dev.defensebench.report.ResultRow;
import dev.defensebench.report.SanityCheck;
import java.util.List;

/**
 * What scoring one model produced, stored as the evaluation JSON so that a reused evaluation yields the
 * same rows and sanity checks.
 *
 * @param rows the model's results.csv rows (clean, every attack × ε, the worst case per norm × ε)
 * @param sanity the model's sanity checks
 * @param stages the ensembles' per-stage robust accuracy and time (empty without an ensemble; absent in
 *     evaluation files written before stages were recorded)
 */
public record Evaluation(List<ResultRow> rows, List<SanityCheck> sanity, List<StageRow> stages) {

    public Evaluation {
        rows = List.copyOf(rows);
        sanity = List.copyOf(sanity);
        stages = stages == null ? List.of() : List.copyOf(stages);
    }

    /** An evaluation without ensemble stages. */
    public Evaluation(List<ResultRow> rows, List<SanityCheck> sanity) {
        this(rows, sanity, List.of());
    }
}
