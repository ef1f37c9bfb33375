package dev.defensebench.kernels;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Properties;

/**
 * What a oneDNN kernel verdict depends on: the CPU (model name, family/model/stepping and a digest of its
 * feature flags, read from {@code /proc/cpuinfo}) and the native library (the PyTorch build DJL loads).
 * A verdict cached for one key is re-checked as soon as either part changes.
 *
 * @param cpu the CPU description
 * @param library the native library description
 */
public record MachineKey(String cpu, String library) {

    public MachineKey {
        if (cpu == null || cpu.isBlank() || library == null || library.isBlank()) {
            throw new IllegalArgumentException("machine key needs a CPU and a library, found '" + cpu + "', '" + library + "'");
        }
    }

    /** This machine's key, read without loading any native library. */
    public static MachineKey current() {
        return new MachineKey(cpuOf(Path.of("/proc/cpuinfo")), nativeLibrary());
    }

    /** A short, file-name-safe digest of the key. */
    public String digest() {
        return sha256(cpu + "\n" + library).substring(0, 16);
    }

    /** The CPU description from a {@code /proc/cpuinfo}-format file, or the OS's architecture when unreadable. */
    static String cpuOf(Path cpuinfo) {
        CpuInfo cpu = CpuInfo.read(cpuinfo);
        return String.format(Locale.ROOT, "%s (family %s, model %s, stepping %s, flags %s)", cpu.name(), cpu.family(),
                cpu.model(), cpu.stepping(), sha256(cpu.flags()).substring(0, 12));
    }

    /** The PyTorch native build on the class path (DJL's {@code native/lib/pytorch.properties}), or the override path. */
    static String nativeLibrary() {
        String override = System.getenv("PYTORCH_LIBRARY_PATH");
        if (override != null && !override.isBlank()) {
            return "libtorch at " + override.strip();
        }
        Properties p = new Properties();
        try (InputStream in = MachineKey.class.getClassLoader().getResourceAsStream("native/lib/pytorch.properties")) {
            if (in == null) {
                return "pytorch (no native jar on the class path)";
            }
            p.load(in);
        } catch (IOException e) {
            return "pytorch (unreadable native/lib/pytorch.properties)";
        }
        return "pytorch " + p.getProperty("version", "?") + " " + p.getProperty("flavor", "?") + " "
                + p.getProperty("classifier", "?");
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
