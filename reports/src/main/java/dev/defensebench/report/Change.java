package dev.defensebench.report;

import java.util.Objects;

/**
 * One difference between the previous run and this one, for the "changes since last run" section.
 *
 * @param model  the entry id
 * @param metric what changed, e.g. "clean accuracy", "FGSM ℓ∞ ε=0.1", "inference latency"
 * @param kind   how it changed
 * @param before the previous value, formatted; empty for an added entry
 * @param after  the new value, formatted; empty for a removed entry
 * @param detail why it is flagged (the rule and the numbers)
 */
public record Change(String model, String metric, Kind kind, String before, String after, String detail) {

    /** The kind of a change; only {@link #REGRESSION} fails {@code --fail-on-regression}. */
    public enum Kind {
        /** Accuracy dropped by more than its confidence interval allows, or timing got > 20% slower. */
        REGRESSION,
        /** Accuracy rose by more than its confidence interval allows, or timing got > 20% faster. */
        IMPROVEMENT,
        /** The entry is new in this run. */
        ADDED,
        /** The entry was in the previous run and is not in this one. */
        REMOVED,
        /** Something the reader should know, e.g. timings measured on different machines. */
        NOTE
    }

    /** Rejects nulls. */
    public Change {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(before, "before");
        Objects.requireNonNull(after, "after");
        Objects.requireNonNull(detail, "detail");
    }

    /** Whether this change fails {@code --fail-on-regression}. */
    public boolean isRegression() {
        return kind == Kind.REGRESSION;
    }
}
