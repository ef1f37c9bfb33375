package dev.defensebench.report;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.defensebench.files.AtomicFiles;
import dev.defensebench.files.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code headline.json} beside {@code results.csv}: the headline ε per norm that the experiment named
 * (its {@code headline:} key), e.g. {@code {"Linf": 0.1, "L2": 1.5}}, in the experiment's order. A run
 * writes it so that {@code defense-bench report} draws the same board; without the file every norm's
 * headline ε follows the default rule of {@link HeadlineEpsilons}.
 */
public final class HeadlineFile {

    /** The file name beside {@code results.csv}. */
    public static final String FILE = OutputLayout.HEADLINE;

    private HeadlineFile() {
    }

    /** Writes {@code epsilons} (norm label to ε) into {@code dir}; deletes a stale file when there are none. */
    public static void write(Path dir, Map<String, Double> epsilons) throws IOException {
        Path file = dir.resolve(FILE);
        if (epsilons.isEmpty()) {
            Files.deleteIfExists(file);
            return;
        }
        AtomicFiles.write(file, Json.PRETTY.writeValueAsBytes(epsilons));
    }

    /**
     * The headline ε per norm in {@code dir}, in file order; empty when there is no file.
     *
     * @throws IOException naming the file when it is not an object of finite ε ≥ 0
     */
    public static Map<String, Double> read(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        if (!Files.exists(file)) {
            return Map.of();
        }
        Map<String, Double> epsilons;
        try {
            epsilons = Json.MAPPER.readValue(file.toFile(), new TypeReference<LinkedHashMap<String, Double>>() {});
        } catch (IOException | RuntimeException e) {
            throw new IOException(file + ": not a valid headline file (expected {\"Linf\": 0.1, \"L2\": 1.5}): "
                    + e.getMessage(), e);
        }
        if (epsilons == null) {
            throw new IOException(file + ": empty; expected {\"Linf\": 0.1, \"L2\": 1.5}");
        }
        for (Map.Entry<String, Double> e : epsilons.entrySet()) {
            if (e.getValue() == null || !(e.getValue() >= 0) || e.getValue().isInfinite()) {
                throw new IOException(file + ": the ε of " + e.getKey() + " must be a finite number >= 0, found "
                        + e.getValue());
            }
        }
        return epsilons;
    }
}
