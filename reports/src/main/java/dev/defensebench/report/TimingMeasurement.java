package dev.defensebench.report;

import java.util.Objects;

/**
 * One JMH measurement of one model: the mean score and JMH's 99.9% error half-width.
 *
 * @param model      the entry id
 * @param benchmark  what was measured, one of {@link #LATENCY}, {@link #THROUGHPUT} or
 *                   {@code attack:<attack id>}
 * @param unit       the unit of {@code score}, e.g. "ms/image" or "images/s"
 * @param score      the mean over measurement iterations
 * @param error      the half-width of JMH's 99.9% confidence interval (NaN when JMH gives none)
 * @param batchSize  images per benchmark call
 * @param iterations measurement iterations (over all forks)
 */
public record TimingMeasurement(String model, String benchmark, String unit, double score, double error,
        int batchSize, int iterations) {

    /** Inference latency with batch 1, in ms per image. */
    public static final String LATENCY = "inference-latency";
    /** Inference throughput with a large batch, in images per second. */
    public static final String THROUGHPUT = "inference-throughput";
    /** Prefix of an attack-cost benchmark; the attack id follows. */
    public static final String ATTACK_PREFIX = "attack:";

    /** Rejects null texts. */
    public TimingMeasurement {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(benchmark, "benchmark");
        Objects.requireNonNull(unit, "unit");
    }

    /** Whether a larger score is better (throughput) rather than worse (latency, cost). */
    public boolean higherIsBetter() {
        return benchmark.equals(THROUGHPUT);
    }

    /** The attack id of an attack-cost benchmark, or null. */
    public String attack() {
        return benchmark.startsWith(ATTACK_PREFIX) ? benchmark.substring(ATTACK_PREFIX.length()) : null;
    }
}
