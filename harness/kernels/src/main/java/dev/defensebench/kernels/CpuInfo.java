package dev.defensebench.kernels;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The first processor's entry of a {@code /proc/cpuinfo}-format file: its model name, family, model, stepping and
 * feature flags. Virtual machines of one provider can all report the same model name ("AMD EPYC") over CPUs of
 * different generations (a Zen 3 without AVX-512, a Zen 4 with it) whose timings differ by up to 2×, so a timing's
 * machine is described with the family, model and vector extensions too ({@link #describe}).
 *
 * @param name the "model name", or the OS and architecture when the file is unreadable
 * @param family the "cpu family", "?" when absent
 * @param model the "model", "?" when absent
 * @param stepping the "stepping", "?" when absent
 * @param flags the "flags" line, empty when absent
 */
public record CpuInfo(String name, String family, String model, String stepping, String flags) {

    /** This machine's first processor. */
    public static CpuInfo current() {
        return read(Path.of("/proc/cpuinfo"));
    }

    /** The first processor of a {@code /proc/cpuinfo}-format file; the OS and architecture when it is unreadable. */
    public static CpuInfo read(Path cpuinfo) {
        Map<String, String> first = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(cpuinfo, StandardCharsets.UTF_8)) {
                if (line.isBlank() && !first.isEmpty()) {
                    break;
                }
                int colon = line.indexOf(':');
                if (colon > 0) {
                    first.putIfAbsent(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
                }
            }
        } catch (IOException e) {
            first.clear();
        }
        String fallback = System.getProperty("os.name") + " " + System.getProperty("os.arch");
        return new CpuInfo(first.getOrDefault("model name", fallback), first.getOrDefault("cpu family", "?"),
                first.getOrDefault("model", "?"), first.getOrDefault("stepping", "?"), first.getOrDefault("flags", ""));
    }

    /** Whether the flags list {@code flag}. */
    public boolean has(String flag) {
        return List.of(flags.split("\\s+")).contains(flag);
    }

    /**
     * The model name with family, model and the widest x86 vector extension, e.g. {@code AMD EPYC (family 25, model 1,
     * AVX2, no AVX-512)}; the name alone when the file gave no family.
     */
    public String describe() {
        if (family.equals("?")) {
            return name;
        }
        String vectors = has("avx512f") ? "AVX-512" : has("avx2") ? "AVX2, no AVX-512" : "no AVX2";
        return String.format(Locale.ROOT, "%s (family %s, model %s, %s)", name, family, model, vectors);
    }
}
