package dev.defensebench.app.config;

import java.util.List;
import java.util.Set;

/**
 * The {@code timing:} section of an experiment file: whether and how the harness measures each entry
 * with JMH (inference latency at batch 1, throughput at a large batch, attack cost per image). A
 * preset fills every setting; any setting given explicitly overrides it.
 *
 * @param preset              "off" (no timing), "quick" (the quick start: in-process, 1 warm-up + 2 measured
 *                            0.25 s iterations), "fast" (CI: in-process, 1 warm-up + 3 measured 1 s iterations)
 *                            or "full" (1 forked JVM, 3 warm-up + 5 measured 2 s iterations)
 * @param forks               JMH forks; 0 runs in the harness's own JVM
 * @param warmupIterations    JMH warm-up iterations
 * @param warmupSeconds       seconds per warm-up iteration
 * @param iterations          JMH measurement iterations
 * @param iterationSeconds    seconds per measurement iteration
 * @param throughputBatch     images per call of the throughput benchmark
 * @param attackBatch         images per call of an attack-cost benchmark
 * @param attacks             the experiment's attacks to time (null: its first attack that gives ρ2 and its first
 *                            iterative fixed-ε gradient attack, as the attacks declare)
 */
public record TimingConfig(String preset, Integer forks, Integer warmupIterations, Double warmupSeconds,
        Integer iterations, Double iterationSeconds, Integer throughputBatch, Integer attackBatch, List<String> attacks) {

    /** The presets. */
    public static final Set<String> PRESETS = Set.of("off", "quick", "fast", "full");

    /**
     * Fills unset settings from the preset (a {@code timing:} section without a preset means "fast"); an
     * unknown preset is left for validation.
     */
    public TimingConfig {
        preset = preset == null ? "fast" : preset;
        boolean full = preset.equals("full");
        boolean quick = preset.equals("quick");
        forks = forks != null ? forks : full ? 1 : 0;
        warmupIterations = warmupIterations != null ? warmupIterations : full ? 3 : 1;
        warmupSeconds = warmupSeconds != null ? warmupSeconds : full ? 2.0 : quick ? 0.25 : 1.0;
        iterations = iterations != null ? iterations : full ? 5 : quick ? 2 : 3;
        iterationSeconds = iterationSeconds != null ? iterationSeconds : full ? 2.0 : quick ? 0.25 : 1.0;
        throughputBatch = throughputBatch != null ? throughputBatch : 128;
        attackBatch = attackBatch != null ? attackBatch : full ? 32 : 8;
        attacks = attacks == null ? null : List.copyOf(attacks);
    }

    /** The setting used when an experiment has no {@code timing:} section: no timing. */
    public static TimingConfig off() {
        return new TimingConfig("off", null, null, null, null, null, null, null, null);
    }

    /** Whether any timing is measured. */
    public boolean enabled() {
        return !preset.equals("off");
    }
}
