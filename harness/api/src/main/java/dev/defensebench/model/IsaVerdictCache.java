package dev.defensebench.model;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;

/**
 * The oneDNN ISA verdicts already reached on this machine: one small properties file per {@link
 * MachineKey} (CPU and library), under {@code $XDG_CACHE_HOME/defense-bench/onednn-isa} or {@code
 * ~/.cache/defense-bench/onednn-isa}. A file whose CPU or library differs from the key is ignored.
 */
public final class IsaVerdictCache {

    /** A cached verdict: the ISA that passed, its relative error and when it was checked. */
    public record Stored(String isa, double relativeError, Instant checked) {}

    private final Path dir;

    public IsaVerdictCache(Path dir) {
        this.dir = dir;
    }

    /** The default cache directory for this user. */
    public static IsaVerdictCache standard() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg.strip()) : Path.of(System.getProperty("user.home"), ".cache");
        return new IsaVerdictCache(base.resolve("defense-bench").resolve("onednn-isa"));
    }

    /** The file that holds {@code key}'s verdict. */
    public Path file(MachineKey key) {
        return dir.resolve(key.digest() + ".properties");
    }

    /** The verdict for {@code key}, if one was stored for exactly this CPU and library and is readable. */
    public Optional<Stored> read(MachineKey key) {
        Path file = file(key);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
            if (!key.cpu().equals(p.getProperty("cpu")) || !key.library().equals(p.getProperty("library"))) {
                return Optional.empty();
            }
            return Optional.of(new Stored(p.getProperty("isa"), Double.parseDouble(p.getProperty("relative_error")),
                    Instant.parse(p.getProperty("checked"))));
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // unreadable or partial: check again
        }
    }

    /** Stores {@code verdict} for {@code key} (written to a temporary file, then moved into place). */
    public void write(MachineKey key, Stored verdict) {
        Properties p = new Properties();
        p.setProperty("cpu", key.cpu());
        p.setProperty("library", key.library());
        p.setProperty("isa", verdict.isa());
        p.setProperty("relative_error", Double.toString(verdict.relativeError()));
        p.setProperty("checked", verdict.checked().toString());
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, key.digest(), ".tmp");
            try (Writer out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                p.store(out, "defense-bench: fastest oneDNN ISA whose float32 convolutions agree with float64");
            }
            Files.move(tmp, file(key), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the oneDNN ISA verdict under " + dir, e);
        }
    }
}
