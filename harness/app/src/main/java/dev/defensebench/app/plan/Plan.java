package dev.defensebench.app.plan;

import dev.defensebench.app.config.Experiment;
import dev.defensebench.app.config.ExperimentLoader;
import dev.defensebench.app.config.ModelEntry;
import dev.defensebench.app.config.Plugins;
import dev.defensebench.data.Preprocessing;
import dev.defensebench.files.Json;
import dev.defensebench.spi.Hyperparameters;
import dev.defensebench.spi.ParamSpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The cells of an experiment (entries × architectures × seeds) in dependency order: a fine-tuned
 * cell comes after the cell of the same architecture and seed that it starts from.
 */
public record Plan(List<Cell> cells) {

    /**
     * Expands {@code experiment}; {@code dataIdentity} is the data set's SHA-256 and {@code code} the code
     * that trains (versions and the fingerprints of the defense, architecture and preprocessing), both part
     * of every cell's hash.
     */
    public static Plan of(Experiment experiment, Plugins plugins, String dataIdentity, int trainSize, CodeIdentity code) {
        Map<String, Cell> byKey = new HashMap<>();
        List<Cell> cells = new ArrayList<>();
        for (ModelEntry entry : ExperimentLoader.dependencyOrder(experiment)) {
            if (entry.isImported()) {
                continue; // imported ONNX entries are not trained: the runner scores them after the cells
            }
            List<ParamSpec> specs = plugins.defense(entry.defense()).parameters();
            Preprocessing preprocessing = Preprocessing.parse(experiment.preprocessing());
            for (String architecture : entry.architectures()) {
                Hyperparameters params = Hyperparameters.resolve("models '" + entry.name() + "'", specs,
                        TrainingDefaults.apply(entry.params(), specs, plugins.architecture(architecture), preprocessing,
                                entry.initFrom() == null));
                for (long seed : experiment.seeds()) {
                    Cell parent = entry.initFrom() == null ? null : byKey.get(key(entry.initFrom(), architecture, seed));
                    Map<String, Object> config = new TreeMap<>();
                    config.put("format", 1);
                    config.put("code", code.model(plugins.defense(entry.defense()).getClass(),
                            plugins.architecture(architecture).getClass()));
                    config.put("dataset", experiment.dataset());
                    config.put("data_sha256", dataIdentity);
                    config.put("train_size", trainSize);
                    config.put("preprocessing", experiment.preprocessing());
                    config.put("defense", entry.defense());
                    config.put("architecture", architecture);
                    config.put("params", params.asMap());
                    config.put("seed", seed);
                    config.put("parent", parent == null ? null : parent.hash());
                    String id = entry.name() + "/" + architecture + "/s" + seed;
                    Cell cell = new Cell(id, entry, architecture, seed, params, parent, sha256(config));
                    byKey.put(key(entry.name(), architecture, seed), cell);
                    cells.add(cell);
                }
            }
        }
        return new Plan(List.copyOf(cells));
    }

    private static String key(String entry, String architecture, long seed) {
        return entry + "\u0000" + architecture + "\u0000" + seed;
    }

    /** SHA-256 (hex) of the canonical JSON of {@code value} (map keys sorted). */
    public static String sha256(Object value) {
        try {
            byte[] json = Json.MAPPER.writeValueAsString(value).getBytes(StandardCharsets.UTF_8);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json));
        } catch (NoSuchAlgorithmException | com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A short listing for logs: one line per cell. */
    public List<String> describe() {
        List<String> lines = new ArrayList<>();
        for (Cell c : cells) {
            lines.add(c.id() + (c.parent() == null ? "" : " <- " + c.parent().id()) + " [" + c.hash().substring(0, 12) + "]");
        }
        return lines;
    }
}
