package dev.defensebench.app.run;

import dev.defensebench.report.ResultRow;
import dev.defensebench.report.SanityCheck;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

    private static final Logger LOG = LoggerFactory.getLogger(Evaluation.class);

    public Evaluation {
        rows = List.copyOf(rows);
        sanity = List.copyOf(sanity);
        stages = stages == null ? List.of() : List.copyOf(stages);
    }

    /**
     * Prints every failed or warning sanity check of {@code cell} as a console warning, for every kind of
     * entry (trained, fine-tuned, imported) and whether the evaluation was made now or reused.
     */
    public void warnAboutSanity(String cell) {
        sanity.stream()
                .filter(c -> c.status() == SanityCheck.Status.FAIL || c.status() == SanityCheck.Status.WARN)
                .forEach(c -> LOG.warn("{}: sanity check {} {}: {}", cell, c.check(), c.status().label(), c.detail()));
        sanity.stream().filter(c -> c.status() == SanityCheck.Status.SKIP && c.check().equals(CertifiedCrossCheck.ID))
                .forEach(c -> LOG.info("{}: sanity check {} skipped: {}", cell, c.check(), c.detail()));
    }

    /** An evaluation without ensemble stages. */
    public Evaluation(List<ResultRow> rows, List<SanityCheck> sanity) {
        this(rows, sanity, List.of());
    }
}
