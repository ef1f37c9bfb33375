package dev.defensebench.kernels;

import dev.defensebench.files.AtomicFiles;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;

/**
 * Kernel verdicts already reached on this machine: one small properties file per {@link MachineKey} (CPU
 * and library) in a directory of the user's cache ({@code $XDG_CACHE_HOME/defense-bench/NAME} or {@code
 * ~/.cache/defense-bench/NAME}). A file whose CPU or library differs from the key, or that cannot be read,
 * counts as absent, so the verdict is reached again.
 */
public final class VerdictCache {

    private final Path dir;
    private final String title;

    /**
     * @param dir the directory of the files
     * @param title what a verdict is, written as the files' comment line
     */
    public VerdictCache(Path dir, String title) {
        this.dir = dir;
        this.title = title;
    }

    /** The cache directory {@code name} for this user. */
    public static Path standardDir(String name) {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg.strip()) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("defense-bench").resolve(name);
    }

    /** The file that holds {@code key}'s verdict. */
    public Path file(MachineKey key) {
        return dir.resolve(key.digest() + ".properties");
    }

    /** The properties stored for exactly {@code key}, without the key's own two. */
    public Optional<Properties> read(MachineKey key) {
        Path file = file(key);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        if (!key.cpu().equals(p.remove("cpu")) || !key.library().equals(p.remove("library"))) {
            return Optional.empty();
        }
        return Optional.of(p);
    }

    /** Stores {@code values} for {@code key}, atomically. */
    public void write(MachineKey key, Properties values) {
        Properties p = new Properties();
        p.putAll(values);
        p.setProperty("cpu", key.cpu());
        p.setProperty("library", key.library());
        try {
            AtomicFiles.write(file(key), out -> p.store(out, "defense-bench: " + title));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the kernel verdict under " + dir, e);
        }
    }
}
