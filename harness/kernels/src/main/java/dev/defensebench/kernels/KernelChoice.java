package dev.defensebench.kernels;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Chooses oneDNN's instruction-set ceiling ({@code DNNL_MAX_CPU_ISA}) for this machine: a value the user
 * set wins; otherwise a verdict cached for this CPU and library; otherwise the ladder is tried from the
 * widest ISA down and the first whose float32 convolution agrees with float64 ({@link NumericsCheck})
 * is taken and cached. The ladder's order is its speed order on ordinary hardware (wider vectors first).
 */
public final class KernelChoice {

    /** The ISAs tried, fastest first; {@code ALL} lets oneDNN use everything the CPU has. */
    public static final List<String> LADDER = List.of("ALL", "AVX512_CORE", "AVX2", "AVX", "SSE41");
    /** What is used when no ISA passes (the run's own numerics check then stops with an error). */
    public static final String SAFEST = "SSE41";

    /** The ISA chosen and why, in words for the log. */
    public record Verdict(String isa, String reason) {}

    /** Measures the float32 convolution's relative error with oneDNN limited to one ISA. */
    @FunctionalInterface
    public interface Check {
        /**
         * @throws Exception when the measurement itself fails (the ISA then counts as failing)
         */
        double relativeError(String isa) throws Exception;
    }

    private KernelChoice() {}

    /**
     * The verdict for this machine.
     *
     * @param userSetting the user's {@code DNNL_MAX_CPU_ISA}, or null/blank when unset
     */
    public static Verdict choose(String userSetting, MachineKey key, IsaVerdictCache cache, Check check) {
        if (userSetting != null && !userSetting.isBlank()) {
            return new Verdict(userSetting.strip(), "set by you in DNNL_MAX_CPU_ISA (not checked here; the run's numerics check still is)");
        }
        Optional<IsaVerdictCache.Stored> stored = cache.read(key);
        if (stored.isPresent()) {
            IsaVerdictCache.Stored s = stored.get();
            return new Verdict(s.isa(), String.format(Locale.ROOT,
                    "the fastest ISA whose float32 convolutions agree with float64 (relative error %.2g <= %.0e), "
                            + "verdict of %s cached in %s for %s, %s", s.relativeError(), NumericsCheck.TOLERANCE,
                    s.checked(), cache.file(key), key.cpu(), key.library()));
        }
        List<String> rejected = new ArrayList<>();
        for (String isa : LADDER) {
            String outcome;
            try {
                double error = check.relativeError(isa);
                if (error <= NumericsCheck.TOLERANCE) {
                    cache.write(key, new IsaVerdictCache.Stored(isa, error, Instant.now()));
                    return new Verdict(isa, String.format(Locale.ROOT,
                            "checked now: the fastest ISA whose float32 convolutions agree with float64 (relative error "
                                    + "%.2g <= %.0e)%s; cached in %s", error, NumericsCheck.TOLERANCE,
                            rejected.isEmpty() ? "" : ", rejected " + String.join(", ", rejected), cache.file(key)));
                }
                outcome = String.format(Locale.ROOT, "relative error %.3g", error);
            } catch (Exception e) {
                outcome = "check failed: " + e.getMessage();
            }
            rejected.add(isa + " (" + outcome + ")");
        }
        return new Verdict(SAFEST, "no ISA passed the float32 convolution check (" + String.join(", ", rejected)
                + "); not cached");
    }
}
