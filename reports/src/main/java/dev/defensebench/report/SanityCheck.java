package dev.defensebench.report;

import java.util.Locale;
import java.util.Objects;

/**
 * One automatic sanity check of a model's evaluation (Carlini et al. 2019; AutoAttack): e.g. "PGD at
 * least as strong as FGSM". Stored in {@code sanity.csv} beside {@code results.csv} and shown on the
 * board as a badge.
 *
 * @param model the model entry id, e.g. {@code vanilla/mlp/s0}
 * @param check a stable id of the check, e.g. {@code pgd-stronger-than-fgsm}
 * @param status the verdict
 * @param value the measured quantity the verdict is based on (NaN when none)
 * @param threshold the bound it was compared with (NaN when none)
 * @param detail one human-readable sentence: what was measured and why it passed or failed
 */
public record SanityCheck(String model, String check, Status status, double value, double threshold, String detail) {

    /** The verdict of a check. */
    public enum Status {
        PASS, WARN, FAIL, SKIP;

        /** The lower-case label used in files and badges. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Parses a label written by {@link #label()} (case-insensitive). */
        public static Status parse(String text) {
            for (Status s : values()) {
                if (s.label().equalsIgnoreCase(text.trim())) {
                    return s;
                }
            }
            throw new IllegalArgumentException("unknown sanity status '" + text + "'; allowed: pass, warn, fail, skip");
        }
    }

    public SanityCheck {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(check, "check");
        Objects.requireNonNull(status, "status");
        detail = detail == null ? "" : detail;
    }
}
