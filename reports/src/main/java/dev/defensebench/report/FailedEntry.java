package dev.defensebench.report;

import java.util.Locale;
import java.util.Objects;

/**
 * A model of the run that has no results because its training failed (a non-finite loss or weight, a
 * collapse to one class, an accuracy not clearly above chance) or because it fine-tunes from a model
 * that failed. Listed apart on the board, never ranked; stored in {@code failures.json}.
 *
 * @param model the model entry id, e.g. {@code vanilla/mlp/s0}
 * @param defense the defense that trained it
 * @param architecture the network layout
 * @param status failed, or skipped (its parent failed)
 * @param reason one sentence: what went wrong, where (epoch and step, or accuracy and predicted class)
 */
public record FailedEntry(String model, String defense, String architecture, Status status, String reason) {

    /** Why an entry has no results. */
    public enum Status {
        /** Its own training failed. */
        FAILED,
        /** It fine-tunes from a failed (or skipped) entry and was not trained. */
        SKIPPED
    }

    /** Rejects missing values. */
    public FailedEntry {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(defense, "defense");
        Objects.requireNonNull(architecture, "architecture");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(reason, "reason");
    }

    /** "failed" or "skipped", as the board shows it. */
    public String statusLabel() {
        return status.name().toLowerCase(Locale.ROOT);
    }
}
