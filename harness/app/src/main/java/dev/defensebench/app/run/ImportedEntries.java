package dev.defensebench.app.run;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import dev.defensebench.app.config.AttackEntry;
import dev.defensebench.app.config.Experiment;
import dev.defensebench.app.config.ExperimentException;
import dev.defensebench.app.config.ModelEntry;
import dev.defensebench.app.config.Plugins;
import dev.defensebench.app.plan.Cell;
import dev.defensebench.app.plan.Plan;
import dev.defensebench.files.AtomicFiles;
import dev.defensebench.files.Json;
import dev.defensebench.model.BlockClassifier;
import dev.defensebench.model.ModelCard;
import dev.defensebench.model.ModelFiles;
import dev.defensebench.onnx.ImportRequest;
import dev.defensebench.onnx.ImportedModel;
import dev.defensebench.onnx.OnnxImportException;
import dev.defensebench.onnx.OnnxImporter;
import dev.defensebench.onnx.OnnxMetadata;
import dev.defensebench.onnx.OnnxRuntimeSettings;
import dev.defensebench.report.OutputLayout;
import dev.defensebench.report.ResultRow;
import dev.defensebench.report.SanityCheck;
import dev.defensebench.spi.Attack;
import dev.defensebench.spi.Examples;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores the experiment's {@code onnx:} entries after its trained cells: imports each file safely
 * ({@link OnnxImporter}), scores clean accuracy and every attack that applies (all of them when the
 * graph runs in the DJL interpreter; only logit-based ones through ONNX Runtime), adds transfer rows from the
 * entry's surrogate, and writes the entry's card ({@link ImportCard}). Evaluations are reused by content hash
 * (file SHA-256, test size, attacks, surrogate cell, code version), like those of trained cells.
 */
final class ImportedEntries {

    private static final Logger LOG = LoggerFactory.getLogger(ImportedEntries.class);

    /** The board's defense and architecture columns for an imported model. */
    static final String DEFENSE = "imported";
    static final String ARCHITECTURE = "onnx";

    private final Plugins plugins;
    private final Evaluator evaluator;
    private final OnnxRuntimeSettings runtime;

    ImportedEntries(Plugins plugins, Evaluator evaluator, OnnxRuntimeSettings runtime) {
        this.plugins = plugins;
        this.evaluator = evaluator;
        this.runtime = runtime;
    }

    /** The data every imported entry is scored on. */
    record Scoring(Examples test, String dataset, String preprocessing, Map<String, String> code) {}

    /** Scores every {@code onnx:} entry of {@code experiment} and adds its rows and sanity checks. */
    void run(Experiment experiment, Plan plan, Path out, Device device, Scoring scoring, List<ResultRow> rows,
            List<SanityCheck> sanity, Runner.Summary summary) throws IOException {
        for (ModelEntry entry : experiment.models()) {
            if (entry.isImported()) {
                Evaluation evaluation = score(experiment, entry, plan, out, device, scoring, summary);
                rows.addAll(evaluation.rows());
                sanity.addAll(evaluation.sanity());
            }
        }
    }

    private Evaluation score(Experiment experiment, ModelEntry entry, Plan plan, Path out, Device device, Scoring scoring,
            Runner.Summary summary) throws IOException {
        Examples test = scoring.test();
        Shape sampleShape = test.sampleShape();
        String id = entry.name() + "/" + ARCHITECTURE;
        if (entry.inputShape() != null) {
            long[] given = entry.inputShape().stream().mapToLong(Integer::longValue).toArray();
            if (!java.util.Arrays.equals(given, sampleShape.getShape())) {
                throw new ExperimentException("models '" + entry.name() + "': 'input_shape' " + entry.inputShape()
                        + " does not match the images of dataset '" + scoring.dataset() + "', " + LongsText.of(sampleShape.getShape()));
            }
        }
        Cell named = entry.surrogate() == null ? null : surrogateCell(plan, entry.surrogate(), experiment);
        boolean surrogateFailed = named != null && summary.failures().stream().anyMatch(f -> f.model().equals(named.id()));
        if (surrogateFailed) {
            LOG.error("{}: its surrogate {} has no results; scored without transfer attacks", id, named.id());
        }
        Cell surrogateCell = surrogateFailed ? null : named;
        Path file = Path.of(entry.onnx());
        try (NDManager manager = NDManager.newBaseManager(device);
                ImportedModel imported = OnnxImporter.load(new ImportRequest(file, test.numClasses(), test.box(),
                        entry.maxBytes(), entry.rebuildInDjl(), runtime), manager)) {
            String declared = imported.model().metadata().get(OnnxMetadata.PREPROCESSING);
            if (declared != null && !declared.equals(scoring.preprocessing())) {
                throw new OnnxImportException(file + ": the file says its inputs need preprocessing '" + declared
                        + "' (metadata " + OnnxMetadata.PREPROCESSING + ") but the experiment preprocesses '"
                        + scoring.preprocessing() + "'");
            }
            String directory = entry.name() + "-" + ARCHITECTURE + "-" + imported.sha256().substring(0, 12);
            List<String> skipped = new ArrayList<>();
            for (AttackEntry a : experiment.attacks()) {
                Attack attack = plugins.attack(a.attack());
                if (!Evaluator.applies(attack, imported.classifier())) {
                    skipped.add(attack.name());
                }
            }
            LOG.info("{}: {} ({} bytes, sha256 {}) scored through {}{}", id, file, imported.bytes(),
                    imported.sha256().substring(0, 12), imported.path(),
                    imported.whyNotDjl() == null ? "" : " (not run by the DJL graph interpreter: " + imported.whyNotDjl() + ")");
            Map<String, Object> config = new TreeMap<>();
            config.put("onnx_sha256", imported.sha256());
            config.put("import_path", imported.path());
            config.put("test_size", test.size());
            config.put("attacks", experiment.attacks());
            config.put("surrogate", surrogateCell == null ? null : surrogateCell.hash());
            config.put("code", scoring.code());
            String hash = Plan.sha256(Json.MAPPER.convertValue(config, Map.class));
            Path evaluationFile = OutputLayout.of(out).evaluations(directory).resolve(hash.substring(0, 16) + ".json");
            Evaluation evaluation = Runner.readEvaluation(evaluationFile);
            if (evaluation != null) {
                summary.evaluationsReused().add(id);
                LOG.info("{}: reusing the stored evaluation {}", id, evaluationFile);
            } else {
                Evaluator.Subject subject = new Evaluator.Subject(experiment.name(), id, DEFENSE, ARCHITECTURE,
                        scoring.dataset(), scoring.preprocessing(), 0, imported.sha256(), Double.NaN);
                Evaluation own = evaluator.evaluate(subject, imported.classifier(), manager, test, experiment.attacks());
                List<ResultRow> entryRows = new ArrayList<>(own.rows());
                if (surrogateCell != null) {
                    Block surrogate = loadSurrogate(out, surrogateCell, sampleShape, test.numClasses(), manager);
                    entryRows.addAll(evaluator.evaluateTransfer(subject, imported.classifier(),
                            new BlockClassifier(surrogate, test.numClasses(), test.box()), surrogateCell.id(), manager, test,
                            experiment.attacks()));
                }
                evaluation = new Evaluation(entryRows, own.sanity());
                AtomicFiles.write(evaluationFile, Json.PRETTY.writeValueAsBytes(evaluation));
                summary.evaluated().add(id);
            }
            ModelCard card = ImportCard.of(imported, new ImportCard.Context(id, experiment.name(), entry.onnx(), scoring.dataset(),
                    scoring.preprocessing(), runtime.providerLabel() + ", " + (runtime.threads() == 0 ? "all cores"
                            : runtime.threads() + " threads"), surrogateCell == null ? null : surrogateCell.id(), skipped));
            AtomicFiles.write(OutputLayout.of(out).model(directory).resolve(OutputLayout.CARD), Json.PRETTY.writeValueAsBytes(card));
            return evaluation;
        }
    }

    private static Cell surrogateCell(Plan plan, String entryName, Experiment experiment) {
        long seed = experiment.seeds().get(0);
        for (Cell c : plan.cells()) {
            if (c.entry().name().equals(entryName) && c.seed() == seed
                    && c.architecture().equals(c.entry().architectures().get(0))) {
                return c;
            }
        }
        throw new ExperimentException("surrogate entry '" + entryName + "' has no trained cell");
    }

    private static Block loadSurrogate(Path out, Cell cell, Shape sampleShape, int numClasses, NDManager manager)
            throws IOException {
        Block block = dev.defensebench.model.Architectures.get(cell.architecture()).build(sampleShape, numClasses);
        block.initialize(manager, DataType.FLOAT32, new Shape(1).addAll(sampleShape));
        ModelFiles.loadParameters(block, manager,
                Files.readAllBytes(OutputLayout.of(out).model(cell.directoryName()).resolve(OutputLayout.PARAMS)));
        return block;
    }
}
