package dev.defensebench.app.plan;

import dev.defensebench.app.config.Experiment;
import dev.defensebench.app.config.ModelEntry;
import dev.defensebench.app.config.Plugins;
import dev.defensebench.data.Preprocessing;
import dev.defensebench.model.Architecture;
import dev.defensebench.onnx.OnnxArchitecture;
import dev.defensebench.onnx.OnnxFile;
import dev.defensebench.onnx.OnnxImporter;
import dev.defensebench.spi.Defense;
import dev.defensebench.spi.Hyperparameters;
import dev.defensebench.spi.ParamSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The cells of an experiment (entries × architectures × seeds, and one cell per imported {@code onnx:} entry) in
 * dependency order: a fine-tuned cell comes after the cell of the same architecture and seed that it starts from,
 * an imported entry after its surrogate. A cell fine-tuned from an imported entry has the architecture
 * {@value OnnxArchitecture#NAME}: the imported graph, trained.
 */
public record Plan(List<Cell> cells) {

    /** {@link #of(Experiment, Plugins, String, int, CodeIdentity, Map)} for an experiment without {@code onnx:} entries. */
    public static Plan of(Experiment experiment, Plugins plugins, String dataIdentity, int trainSize, CodeIdentity code) {
        return of(experiment, plugins, dataIdentity, trainSize, code, Map.of());
    }

    /**
     * Expands {@code experiment}; {@code dataIdentity} is the data set's SHA-256 and {@code code} the code
     * that trains (versions and the fingerprints of the defense, architecture and preprocessing), both part
     * of every cell's hash; {@code imports} holds the checked file of every {@code onnx:} entry, by entry name.
     */
    public static Plan of(Experiment experiment, Plugins plugins, String dataIdentity, int trainSize, CodeIdentity code,
            Map<String, OnnxFile> imports) {
        Map<String, Cell> byKey = new HashMap<>();
        Map<String, String> importedRoot = new HashMap<>();
        List<Cell> cells = new ArrayList<>();
        Preprocessing preprocessing = experiment.preprocessingKind();
        for (ModelEntry entry : dependencyOrder(experiment.models())) {
            if (entry.isImported()) {
                Cell cell = importedCell(experiment, entry, imports, byKey, dataIdentity, code);
                importedRoot.put(entry.name(), entry.name());
                experiment.seeds().forEach(seed -> byKey.put(key(entry.name(), OnnxArchitecture.NAME, seed), cell));
                cells.add(cell);
                continue;
            }
            String root = entry.initFrom() == null ? null : importedRoot.get(entry.initFrom());
            if (root != null) {
                importedRoot.put(entry.name(), root);
            }
            Defense defense = plugins.defense(entry.defense());
            List<ParamSpec> specs = defense.parameters();
            for (String architecture : root != null ? List.of(OnnxArchitecture.NAME) : entry.architectures()) {
                Architecture built = root != null ? imports.get(root).architecture() : plugins.architecture(architecture);
                Hyperparameters params = Hyperparameters.resolve("models '" + entry.name() + "'", specs,
                        TrainingDefaults.apply(entry.params(), specs, built, preprocessing, entry.initFrom() == null));
                for (long seed : experiment.seeds()) {
                    Cell parent = entry.initFrom() == null ? null : byKey.get(key(entry.initFrom(), architecture, seed));
                    String hash = new CacheKeys.TrainedCell(
                            code.model(defense.getClass(), built.getClass()), experiment.dataset(),
                            dataIdentity, trainSize, experiment.preprocessing(), entry.defense(), architecture, params.asMap(),
                            seed, parent == null ? null : parent.hash()).hash();
                    String id = entry.name() + "/" + architecture + "/s" + seed;
                    Cell cell = new Cell(id, entry, architecture, seed, params, parent, null, hash, defense, built);
                    byKey.put(key(entry.name(), architecture, seed), cell);
                    cells.add(cell);
                }
            }
        }
        return new Plan(List.copyOf(cells));
    }

    /**
     * The cell of an imported entry: its hash covers the file's content, how it may be scored ({@code white_box}),
     * the data it is scored on, the import code and its surrogate (the first seed's cell of the surrogate entry's
     * first architecture).
     */
    private static Cell importedCell(Experiment experiment, ModelEntry entry, Map<String, OnnxFile> imports,
            Map<String, Cell> byKey, String dataIdentity, CodeIdentity code) {
        OnnxFile file = imports.get(entry.name());
        if (file == null) {
            throw new IllegalArgumentException("models '" + entry.name() + "': its ONNX file " + entry.onnx()
                    + " was not checked before planning");
        }
        long seed = experiment.seeds().get(0);
        Cell surrogate = null;
        if (entry.surrogate() != null) {
            // a trained entry (the loader checks it); one fine-tuned from an import has no 'architectures'
            ModelEntry s = experiment.models().stream().filter(m -> m.name().equals(entry.surrogate())).findFirst().orElseThrow();
            String architecture = s.architectures().isEmpty() ? OnnxArchitecture.NAME : s.architectures().get(0);
            surrogate = byKey.get(key(s.name(), architecture, seed));
        }
        String hash = new CacheKeys.ImportedCell(file.sha256(), entry.rebuildInDjl(), entry.output(),
                code.model(OnnxImporter.class, OnnxArchitecture.class), experiment.dataset(), dataIdentity,
                experiment.preprocessing(), surrogate == null ? null : surrogate.hash()).hash();
        return new Cell(entry.name() + "/" + OnnxArchitecture.NAME, entry, OnnxArchitecture.NAME, seed,
                Hyperparameters.resolve("models '" + entry.name() + "'", List.of(), Map.of()), null, surrogate, hash, null,
                file.architecture());
    }

    /**
     * The imported ({@code onnx:}) entry at the root of {@code m}'s {@code init_from} chain, or null when the chain
     * starts from scratch (or names an unknown entry, or loops: reported elsewhere).
     */
    public static ModelEntry importedRoot(ModelEntry m, List<ModelEntry> models) {
        ModelEntry c = m;
        for (int hops = 0; c != null && c.initFrom() != null && hops <= models.size(); hops++) {
            String name = c.initFrom();
            c = models.stream().filter(x -> x.name().equals(name)).findFirst().orElse(null);
        }
        return c != null && c != m && c.isImported() ? c : null;
    }

    /** The entries in an order where every entry comes after the one it is fine-tuned from and its surrogate. */
    public static List<ModelEntry> dependencyOrder(List<ModelEntry> models) {
        Map<String, ModelEntry> byName = models.stream().collect(Collectors.toMap(ModelEntry::name, m -> m));
        List<ModelEntry> ordered = new ArrayList<>();
        Set<String> done = new HashSet<>();
        for (ModelEntry m : models) {
            visit(m, byName, done, ordered);
        }
        return ordered;
    }

    private static void visit(ModelEntry m, Map<String, ModelEntry> byName, Set<String> done, List<ModelEntry> out) {
        if (done.contains(m.name())) {
            return;
        }
        if (m.initFrom() != null) {
            visit(byName.get(m.initFrom()), byName, done, out);
        }
        if (m.surrogate() != null && byName.containsKey(m.surrogate())) {
            visit(byName.get(m.surrogate()), byName, done, out);
        }
        done.add(m.name());
        out.add(m);
    }

    private static String key(String entry, String architecture, long seed) {
        return entry + "\u0000" + architecture + "\u0000" + seed;
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
