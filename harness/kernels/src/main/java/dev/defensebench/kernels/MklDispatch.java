package dev.defensebench.kernels;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;

/**
 * Chooses how libtorch's MKL picks its matrix-product kernels on this machine. On a CPU not made by Intel,
 * MKL runs its AVX2 path whatever the CPU has; preloading {@link MklShim} makes it choose by instruction set
 * instead (on the development machine's AVX-512 AMD EPYC a 100×784×500 product takes 0.36 ms instead of
 * 0.77). The shim is taken only when float32 products then still agree with float64 ({@link NumericsCheck})
 * and are at least {@link #MIN_SPEEDUP} times faster, both measured in child JVMs (twice each, alternately); the verdict is cached per
 * CPU, library and shim source. {@value #SETTING_ENV} = {@code off} or {@code on} overrides it.
 */
public final class MklDispatch {

    /** The user's setting: {@code auto} (the default), {@code on} or {@code off}. */
    public static final String SETTING_ENV = "DEFENSE_BENCH_MKL_DISPATCH";
    /** Where verdicts and the compiled shim are kept. */
    public static final Path CACHE_DIR = VerdictCache.standardDir("mkl-dispatch");
    /** How much faster a product must be with the shim for it to be taken. */
    static final double MIN_SPEEDUP = 1.1;
    /** How many times each setting is measured, alternately. */
    static final int ROUNDS = 2;

    /** The library to preload (null: none) and why, in words for the log. */
    public record Verdict(Path preload, String reason) {}

    /** A float32 product's relative error against float64 and its time, in milliseconds. */
    public record Measurement(double relativeError, double productMillis) {}

    /** Measures products in a fresh process, with {@code preload} preloaded (null: without). */
    @FunctionalInterface
    public interface Measure {
        Measurement measure(Path preload) throws Exception;
    }

    /** Builds the shim, or says why it cannot be. */
    @FunctionalInterface
    public interface ShimBuilder {
        MklShim build() throws Exception;
    }

    private MklDispatch() {}

    /**
     * The verdict for this machine.
     *
     * @param setting the user's {@value #SETTING_ENV}, or null/blank when unset
     * @param vendor the CPU vendor ({@code vendor_id} of {@code /proc/cpuinfo}), or null when unknown
     * @throws IllegalArgumentException when {@code setting} is not one of auto, on, off
     */
    public static Verdict choose(String setting, String vendor, MachineKey key, VerdictCache cache,
            ShimBuilder builder, Measure measure) {
        String mode = setting == null || setting.isBlank() ? "auto" : setting.strip().toLowerCase(Locale.ROOT);
        if (!mode.equals("auto") && !mode.equals("on") && !mode.equals("off")) {
            throw new IllegalArgumentException(SETTING_ENV + " must be auto, on or off, found '" + setting + "'");
        }
        if (mode.equals("off")) {
            return new Verdict(null, "MKL's own dispatch: " + SETTING_ENV + "=off, set by you");
        }
        if (mode.equals("auto") && !"AuthenticAMD".equals(vendor) && !"HygonGenuine".equals(vendor)) {
            return new Verdict(null, "MKL's own dispatch: it already chooses by instruction set on this CPU ("
                    + (vendor == null ? "vendor unknown" : vendor) + ")");
        }
        MklShim shim;
        try {
            shim = builder.build();
        } catch (Exception e) {
            return new Verdict(null, "MKL's own dispatch (its AVX2 path on this CPU): " + e.getMessage());
        }
        if (mode.equals("on")) {
            return new Verdict(shim.library(), "Intel code path: " + SETTING_ENV + "=on, set by you (not measured; "
                    + "the run's numerics check still is)");
        }
        Optional<Properties> stored = cache.read(key).filter(p -> shim.sourceSha256().equals(p.getProperty("shim_sha256")));
        if (stored.isPresent()) {
            boolean preload = Boolean.parseBoolean(stored.get().getProperty("preload"));
            return new Verdict(preload ? shim.library() : null, stored.get().getProperty("reason", "?") + "; verdict of "
                    + stored.get().getProperty("checked", "?") + " cached in " + cache.file(key));
        }
        return measureAndStore(shim, key, cache, measure);
    }

    private static Verdict measureAndStore(MklShim shim, MachineKey key, VerdictCache cache, Measure measure) {
        Measurement own = null;
        Measurement intel = null;
        try {
            for (int round = 0; round < ROUNDS; round++) { // alternated, the best of each: one slow moment decides nothing
                own = better(own, measure.measure(null));
                intel = better(intel, measure.measure(shim.library()));
            }
        } catch (Exception e) {
            return new Verdict(null, "MKL's own dispatch: the measurement failed (" + e.getMessage() + "); not cached");
        }
        boolean exact = intel.relativeError() <= NumericsCheck.TOLERANCE;
        double speedup = own.productMillis() / intel.productMillis();
        boolean preload = exact && speedup >= MIN_SPEEDUP;
        String figures = String.format(Locale.ROOT, "a 100×784×500 float32 product %.3f ms with it, %.3f ms without "
                + "(%.2f×), relative error against float64 %.2g", intel.productMillis(), own.productMillis(), speedup,
                intel.relativeError());
        String reason = preload ? "Intel code path (" + figures + ")"
                : "MKL's own dispatch: the Intel code path was " + (exact ? "not faster by " + MIN_SPEEDUP + "×" : "inexact")
                        + " (" + figures + ")";
        Properties p = new Properties();
        p.setProperty("preload", Boolean.toString(preload));
        p.setProperty("reason", reason);
        p.setProperty("shim_sha256", shim.sourceSha256());
        p.setProperty("checked", Instant.now().toString());
        cache.write(key, p);
        return new Verdict(preload ? shim.library() : null, "checked now: " + reason + "; cached in " + cache.file(key));
    }

    /** The faster time and the larger error of two measurements of the same setting. */
    private static Measurement better(Measurement previous, Measurement next) {
        return previous == null ? next : new Measurement(Math.max(previous.relativeError(), next.relativeError()),
                Math.min(previous.productMillis(), next.productMillis()));
    }

    /** The CPU vendor from a {@code /proc/cpuinfo}-format file, or null when absent or unreadable. */
    public static String vendorOf(Path cpuinfo) {
        try {
            for (String line : Files.readAllLines(cpuinfo, StandardCharsets.UTF_8)) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).strip().equals("vendor_id")) {
                    return line.substring(colon + 1).strip();
                }
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }

    /** The shim this process has loaded, if any (from {@code /proc/self/maps}). */
    public static Optional<String> activeShim() {
        try {
            return Files.readAllLines(Path.of("/proc/self/maps"), StandardCharsets.UTF_8).stream()
                    .filter(l -> l.contains("mkl_cpu_as_intel"))
                    .map(l -> l.substring(l.indexOf('/')))
                    .findFirst();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
