package dev.defensebench.kernels;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;

/**
 * The oneDNN ISA verdicts already reached on this machine ({@link VerdictCache} under {@code
 * defense-bench/onednn-isa} in the user's cache).
 */
public final class IsaVerdictCache {

    /** A cached verdict: the ISA that passed, its relative error and when it was checked. */
    public record Stored(String isa, double relativeError, Instant checked) {}

    private final VerdictCache files;

    public IsaVerdictCache(Path dir) {
        this.files = new VerdictCache(dir, "fastest oneDNN ISA whose float32 convolutions agree with float64");
    }

    /** The default cache directory for this user. */
    public static IsaVerdictCache standard() {
        return new IsaVerdictCache(VerdictCache.standardDir("onednn-isa"));
    }

    /** The file that holds {@code key}'s verdict. */
    public Path file(MachineKey key) {
        return files.file(key);
    }

    /** The verdict for {@code key}, if one was stored for exactly this CPU and library and is readable. */
    public Optional<Stored> read(MachineKey key) {
        return files.read(key).flatMap(p -> {
            try {
                return Optional.of(new Stored(p.getProperty("isa"), Double.parseDouble(p.getProperty("relative_error")),
                        Instant.parse(p.getProperty("checked"))));
            } catch (RuntimeException e) {
                return Optional.empty(); // partial: check again
            }
        });
    }

    /** Stores {@code verdict} for {@code key}. */
    public void write(MachineKey key, Stored verdict) {
        Properties p = new Properties();
        p.setProperty("isa", verdict.isa());
        p.setProperty("relative_error", Double.toString(verdict.relativeError()));
        p.setProperty("checked", verdict.checked().toString());
        files.write(key, p);
    }
}
