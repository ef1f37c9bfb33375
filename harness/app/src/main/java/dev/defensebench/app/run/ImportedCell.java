package dev.defensebench.app.run;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import dev.defensebench.app.config.ResolvedAttack;
import dev.defensebench.app.config.Experiment;
import dev.defensebench.app.config.ExperimentException;
import dev.defensebench.app.config.ModelEntry;
import dev.defensebench.app.plan.CacheKeys;
import dev.defensebench.app.plan.Cell;
import dev.defensebench.app.plan.Plan;
import dev.defensebench.files.AtomicFiles;
import dev.defensebench.files.Json;
import dev.defensebench.model.BlockClassifier;
import dev.defensebench.model.ModelCard;
import dev.defensebench.model.ModelFiles;
import dev.defensebench.onnx.ImportRequest;
import dev.defensebench.onnx.ImportedModel;
import dev.defensebench.onnx.OnnxFile;
import dev.defensebench.onnx.OnnxImportException;
import dev.defensebench.onnx.OnnxImporter;
import dev.defensebench.onnx.OnnxMetadata;
import dev.defensebench.onnx.OnnxRuntimeCheck;
import dev.defensebench.onnx.OnnxRuntimeSettings;
import dev.defensebench.report.FailedEntry;
import dev.defensebench.report.OutputLayout;
import dev.defensebench.report.ResultRow;
import dev.defensebench.spi.Attack;
import dev.defensebench.spi.Examples;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the cell of an imported {@code onnx:} entry: imports the file safely ({@link OnnxImporter}), refuses a model
 * that is collapsed or at chance on the test subset as a failed cell (the rules of {@link TrainingQuality}), scores clean
 * accuracy and every attack that applies (all of them when the graph runs in the DJL interpreter; only
 * logit-based ones through ONNX Runtime), adds transfer rows from the entry's surrogate, and writes the entry's
 * card ({@link ImportCard}) and, when the graph is interpreted, its weights as {@code model.params} (the starting
 * point of the cells fine-tuned from it). The evaluation is reused by content hash like a trained cell's.
 */
final class ImportedCell {

    private static final Logger LOG = LoggerFactory.getLogger(ImportedCell.class);

    /** The board's defense column for an imported model. */
    static final String DEFENSE = "imported";

    private final EvaluationStage evaluation;
    private final int batchSize;
    private final OnnxRuntimeSettings runtime;

    /** Scores imported cells through {@code evaluation}, checking their quality {@code batchSize} images at a time. */
    ImportedCell(EvaluationStage evaluation, int batchSize, OnnxRuntimeSettings runtime) {
        this.evaluation = evaluation;
        this.batchSize = batchSize;
        this.runtime = runtime;
    }

    /**
     * Checks the file of every {@code onnx:} entry of {@code experiment} against the data set (images of
     * {@code sampleShape}, {@code numClasses} classes) before anything runs: its {@code input_shape}, size limit,
     * format, operators' domain, input and output, ONNX Runtime's own load check ({@link OnnxRuntimeCheck}); and that
     * an entry others fine-tune from is interpreted.
     */
    static Map<String, OnnxFile> inspect(Experiment experiment, Shape sampleShape, int numClasses, String dataset) {
        Map<String, OnnxFile> files = new LinkedHashMap<>();
        for (ModelEntry entry : experiment.models()) {
            if (!entry.isImported()) {
                continue;
            }
            String at = "models '" + entry.name() + "'";
            if (entry.inputShape() != null) {
                long[] given = entry.inputShape().stream().mapToLong(Integer::longValue).toArray();
                if (!Arrays.equals(given, sampleShape.getShape())) {
                    throw new ExperimentException(at + ": 'input_shape' " + entry.inputShape() + " does not match the images of "
                            + "dataset '" + dataset + "', " + LongsText.of(sampleShape.getShape()));
                }
            }
            try {
                OnnxFile file = OnnxImporter.inspect(Path.of(entry.onnx()), entry.maxBytes(), sampleShape, numClasses,
                        entry.output());
                OnnxRuntimeCheck.check(file);
                files.put(entry.name(), file);
            } catch (OnnxImportException e) {
                throw new ExperimentException(at + ": " + e.getMessage(), e);
            }
        }
        for (ModelEntry entry : experiment.models()) {
            ModelEntry root = Plan.importedRoot(entry, experiment.models());
            String why = root == null ? null : files.get(root.name()).whyNotInterpreted();
            if (why != null) {
                throw new ExperimentException("models '" + entry.name() + "': it fine-tunes the imported model '" + root.name()
                        + "', but " + why + ", so the graph cannot be trained here (it is scored through ONNX Runtime)");
            }
        }
        return files;
    }

    /** Imports and scores {@code cell} (or reuses its stored evaluation), writing its artifacts under {@code out}. */
    CellOutcome run(RunContext context, Cell cell, Path out, Device device) throws IOException {
        Experiment experiment = context.experiment();
        Examples test = context.test();
        OnnxFile file = context.imports().get(cell.entry().name());
        Path modelDir = OutputLayout.of(out).model(cell.directoryName());
        try (NDManager manager = NDManager.newBaseManager(device);
                ImportedModel imported = OnnxImporter.load(new ImportRequest(file.file(), test.numClasses(), test.box(),
                        cell.entry().maxBytes(), cell.entry().rebuildInDjl(), runtime, cell.entry().output()), manager)) {
            checkPreprocessing(imported, file.file(), context.preprocessing().id());
            LOG.info("{}: {} ({} bytes, sha256 {}) scored through {}{}", cell.id(), file.file(), imported.bytes(),
                    imported.sha256().substring(0, 12), imported.path(),
                    imported.whyNotDjl() == null ? "" : " (not run by the DJL graph interpreter: " + imported.whyNotDjl() + ")");
            String paramsSha256 = imported.whiteBox() ? writeWeights(file, test, modelDir, manager) : null;
            ModelCard card = ImportCard.of(imported, cell, context, runtime, skippedAttacks(experiment, imported), paramsSha256);
            AtomicFiles.write(modelDir.resolve(OutputLayout.CARD), Json.PRETTY.writeValueAsBytes(card));
            String poor = TrainingQuality.failure(imported.classifier(), test, batchSize, manager);
            if (poor != null) { // the rules of failed trainings: a collapsed or chance-level import is no board entry
                LOG.error("{}: not scored: the imported model {}", cell.id(), poor);
                return CellOutcome.failed(cell.id(), false, new FailedEntry(cell.id(), DEFENSE, cell.architecture(),
                        FailedEntry.Status.FAILED, "the imported model " + poor));
            }
            Block surrogate = surrogate(context, cell, out, manager);
            Map<String, Object> key = CacheKeys.importedEvaluation(experiment, cell.hash(), imported.path(), surrogate != null,
                    context.code().evaluation(experiment, Evaluator.class));
            EvaluationStage.Scored scored = evaluation.run(out, cell, key,
                    evaluator -> score(context, cell, imported, surrogate, manager, evaluator));
            return new CellOutcome(cell.id(), false, scored.evaluatedNow(), scored.evaluation(), scored.gallery(), List.of(),
                    null, null);
        }
    }

    /** The imported model's own evaluation, with the transfer rows from its surrogate's network when it has one. */
    private static Evaluation score(RunContext context, Cell cell, ImportedModel imported, Block surrogate,
            NDManager manager, Evaluator evaluator) {
        Experiment experiment = context.experiment();
        Examples test = context.test();
        Evaluator.Subject subject = new Evaluator.Subject(experiment.name(), cell.id(), DEFENSE, cell.architecture(),
                context.data().name(), context.preprocessing().id(), 0, cell.hash(), Double.NaN);
        Evaluation own = evaluator.evaluate(subject, imported.classifier(), manager, test, experiment.attacks(),
                experiment.certifiers());
        List<ResultRow> rows = new ArrayList<>(own.rows());
        if (surrogate != null) {
            rows.addAll(evaluator.evaluateTransfer(subject, imported.classifier(),
                    new BlockClassifier(surrogate, test.numClasses(), test.box()), cell.surrogate().id(), manager, test,
                    experiment.attacks()));
        }
        return new Evaluation(rows, own.sanity());
    }

    private static void checkPreprocessing(ImportedModel imported, Path file, String preprocessing) {
        String declared = imported.model().metadata().get(OnnxMetadata.PREPROCESSING);
        if (declared != null && !declared.equals(preprocessing)) {
            throw new OnnxImportException(file + ": the file says its inputs need preprocessing '" + declared
                    + "' (metadata " + OnnxMetadata.PREPROCESSING + ") but the experiment preprocesses '" + preprocessing + "'");
        }
    }

    private List<String> skippedAttacks(Experiment experiment, ImportedModel imported) {
        List<String> skipped = new ArrayList<>();
        for (ResolvedAttack a : experiment.attacks()) {
            Attack attack = a.attack();
            if (!Evaluator.applies(attack, imported.classifier())) {
                skipped.add(attack.name());
            }
        }
        return skipped;
    }

    /**
     * Writes the file's weights as the graph's trainable parameters ({@code model.params}), the starting point of
     * the cells fine-tuned from this one; returns their SHA-256 for the card.
     */
    private static String writeWeights(OnnxFile file, Examples test, Path modelDir, NDManager manager) throws IOException {
        try (NDManager scope = manager.newSubManager()) {
            Block block = Networks.initialized(file.architecture(), test.sampleShape(), test.numClasses(), scope);
            byte[] parameters = ModelFiles.parameters(block);
            AtomicFiles.write(modelDir.resolve(OutputLayout.PARAMS), parameters);
            return ModelFiles.sha256(parameters);
        }
    }

    /**
     * The surrogate's network, or null when the entry has none or the surrogate has no usable results (not trained,
     * or a failed training: collapsed or at chance), in which case the entry is scored without transfer attacks.
     */
    private Block surrogate(RunContext context, Cell cell, Path out, NDManager manager) throws IOException {
        Cell s = cell.surrogate();
        if (s == null) {
            return null;
        }
        Path params = OutputLayout.of(out).model(s.directoryName()).resolve(OutputLayout.PARAMS);
        String failure = null;
        Block block = null;
        if (!Files.isRegularFile(params)) {
            failure = "it has no trained weights (" + params + ")";
        } else {
            Examples test = context.test();
            block = Networks.load(s.network(), test.sampleShape(), test.numClasses(), manager, Files.readAllBytes(params));
            failure = TrainingQuality.failure(new BlockClassifier(block, test.numClasses(), test.box()), test, batchSize, manager);
        }
        if (failure != null) {
            LOG.error("{}: its surrogate {} has no results ({}); scored without transfer attacks", cell.id(), s.id(), failure);
            return null;
        }
        return block;
    }
}
