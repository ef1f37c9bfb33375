package dev.defensebench.app.run;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import com.fasterxml.jackson.core.JacksonException;
import dev.defensebench.app.config.Experiment;
import dev.defensebench.app.config.ExperimentException;
import dev.defensebench.app.config.Plugins;
import dev.defensebench.app.plan.CacheKeys;
import dev.defensebench.app.plan.Cell;
import dev.defensebench.app.plan.CodeIdentity;
import dev.defensebench.app.plan.Plan;
import dev.defensebench.app.plan.Shard;
import dev.defensebench.data.DatasetRegistry;
import dev.defensebench.data.ImageSplit;
import dev.defensebench.data.LoadedDataset;
import dev.defensebench.data.Preprocessing;
import dev.defensebench.data.Preprocessor;
import dev.defensebench.model.BlockClassifier;
import dev.defensebench.model.ModelCard;
import dev.defensebench.onnx.OnnxFile;
import dev.defensebench.onnx.OnnxRuntimeSettings;
import dev.defensebench.report.FailedEntry;
import dev.defensebench.report.OutputLayout;
import dev.defensebench.adaptive.TransformedClassifier;
import dev.defensebench.spi.Classifier;
import dev.defensebench.spi.Examples;
import dev.defensebench.spi.InputTransform;
import dev.defensebench.spi.InputBox;
import dev.defensebench.spi.ProgressListener;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an experiment end to end: loads and preprocesses the data, trains (or reuses) every cell in
 * dependency order, scores it with the attack suite (or reuses its stored evaluation), and writes
 * {@code results.csv} and the site. Artifacts are content-addressed by the cell hash and written
 * atomically, so an interrupted run resumes where it stopped and a deleted result is recomputed alone.
 *
 * <pre>
 * OUT/models/&lt;cell&gt;/model.params, card.json (and model.onnx with export_onnx: true)
 * OUT/models/&lt;entry&gt;-onnx-&lt;hash&gt;/card.json (+ model.params when interpreted)   for an imported ONNX entry
 * OUT/evaluations/&lt;cell&gt;/&lt;evaluation hash&gt;.json
 * OUT/gallery/&lt;cell&gt;/&lt;evaluation hash&gt;.json (adversarial examples of that evaluation)
 * OUT/timing/&lt;cell&gt;/measurements-&lt;hash&gt;.json (JMH, unless timing is off)
 * OUT/results.csv, OUT/sanity.csv, OUT/gallery.json, OUT/timing.json, OUT/site/index.html (+ entries/, summary.json)
 * </pre>
 */
public final class Runner {

    private static final Logger LOG = LoggerFactory.getLogger(Runner.class);

    /**
     * What a run did, for the command line and the tests: the cells trained and reused (imported models are
     * neither), evaluated and whose evaluations were reused (cells with results only), and the cells without
     * results ({@code failures}).
     */
    public record Summary(List<String> trained, List<String> reused, List<String> evaluated, List<String> evaluationsReused,
            List<FailedEntry> failures, Path results, Path site) {}

    private final Plugins plugins;
    private final DatasetRegistry datasets;
    private final Path dataDir;
    private final ProgressListener progress;

    public Runner(Plugins plugins, DatasetRegistry datasets, Path dataDir, ProgressListener progress) {
        this.plugins = plugins;
        this.datasets = datasets;
        this.dataDir = dataDir;
        this.progress = progress;
    }

    /** Runs {@code experiment} into {@code out} on {@code device}. */
    public Summary run(Experiment experiment, Path out, Device device) throws IOException {
        return run(experiment, out, device, Shard.ALL);
    }

    /**
     * Runs the cells of {@code shard} only ({@code run --shard I/N}); the shards of a run are merged with
     * {@link ShardMerge}. An imported ONNX entry is a cell like the others, in the shard of its surrogate.
     */
    public Summary run(Experiment experiment, Path out, Device device, Shard shard) throws IOException {
        RunContext context = prepare(experiment);
        List<Cell> cells = select(context, shard, device);
        List<CellOutcome> outcomes = new ArrayList<>();
        Map<String, CellOutcome> done = new HashMap<>();
        for (Cell cell : cells) {
            CellOutcome skipped = skippedForParent(cell, done);
            CellOutcome outcome = skipped != null ? skipped : runCell(context, cell, out, device);
            done.put(cell.hash(), outcome);
            outcomes.add(outcome);
        }
        return finish(context, out, device, shard, cells, outcomes);
    }

    /** Refuses a {@code key} asking for more images than the split holds ({@code holds}: "NAME' has %d KIND"). */
    private static void requireAtMost(String key, int wanted, int available, String holds) {
        if (wanted > available) {
            throw new ExperimentException("'" + key + "' is " + wanted + " but data set '" + String.format(holds, available)
                    + " images; use at most " + available);
        }
    }

    /** Loads and preprocesses the experiment's data and expands its plan. */
    public RunContext prepare(Experiment experiment) throws IOException {
        LoadedDataset data = ExperimentData.load(experiment, datasets, dataDir);
        Preprocessing preprocessing = experiment.preprocessingKind();
        Preprocessor preprocessor = preprocessing.fit(data.train());
        if (experiment.trainSize() != null) {
            requireAtMost("train_size", experiment.trainSize(), data.train().count(), data.name() + "' has %d training");
        }
        requireAtMost("test_size", experiment.testSize(), data.test().count(), data.name() + "' has %d test");
        ImageSplit trainSplit = experiment.trainSize() == null ? data.train() : data.train().first(experiment.trainSize());
        ImageSplit testSplit = data.test().first(experiment.testSize());
        Shape sampleShape = new Shape(trainSplit.channels(), trainSplit.height(), trainSplit.width());
        InputBox box = new InputBox(preprocessor.lowerBound(), preprocessor.upperBound(), sampleShape);
        Examples train = new Examples(preprocessor.apply(trainSplit), trainSplit.labels(), sampleShape, data.numClasses(), box);
        Examples test = new Examples(preprocessor.apply(testSplit), testSplit.labels(), sampleShape, data.numClasses(), box);
        ModelCard.DataIdentity identity = new ModelCard.DataIdentity(data.name(), data.sha256(), train.size(),
                preprocessing.id(), preprocessor.describe());
        String version = Versions.harness();
        CodeIdentity code = CodeIdentity.current(version);
        Map<String, OnnxFile> imports = ImportedCell.inspect(experiment, sampleShape, data.numClasses(), data.name());
        CertifiableImports.check(experiment, imports, sampleShape, data.numClasses());
        Plan plan = Plan.of(experiment, plugins, data.sha256(), train.size(), code, imports);
        return new RunContext(experiment, data, preprocessing, preprocessor, train, test, identity, version, code, plan,
                imports);
    }

    /** The cells of {@code shard}, logging the plan. */
    public List<Cell> select(RunContext context, Shard shard, Device device) {
        Plan plan = context.plan();
        List<Cell> cells = shard.select(plan);
        if (shard.count() > 1) {
            LOG.info("shard {}: {} of the plan's {}", shard, cells.size(), Plural.of(plan.cells().size(), "cell"));
        }
        LOG.info("experiment '{}': {}, device {}, {} train / {} test images, preprocessing {}",
                context.experiment().name(), Plural.of(plan.cells().size(), "cell"), device, context.train().size(), context.test().size(),
                context.preprocessor().describe());
        plan.describe().forEach(line -> LOG.debug("  {}", line));
        return cells;
    }

    /**
     * Trains {@code cell} (or reuses its stored model), scores it (or reuses its stored evaluation) and
     * times it, writing every artifact under {@code out} atomically. The parent of a fine-tuned cell must
     * already be in {@code out}. An imported cell is read instead of trained, then goes through the same
     * evaluation and timing stages.
     */
    public CellOutcome runCell(RunContext context, Cell cell, Path out, Device device) throws IOException {
        CellOutcome outcome = cell.imported() ? runImported(context, cell, out, device) : runTrained(context, cell, out, device);
        return outcome.failure() != null ? outcome : new TimingStage(context.experiment(), device).timed(context, cell, out, outcome);
    }

    private CellOutcome runImported(RunContext context, Cell cell, Path out, Device device) throws IOException {
        int batchSize = context.experiment().evalBatchSize();
        OnnxRuntimeSettings runtime = new OnnxRuntimeSettings(0, device.isGpu() ? "auto" : "cpu", batchSize);
        return new ImportedCell(new EvaluationStage(batchSize, progress), batchSize, runtime).run(context, cell, out, device);
    }

    /** The training, quality check, export and evaluation stages of a trained cell. */
    private CellOutcome runTrained(RunContext context, Cell cell, Path out, Device device) throws IOException {
        Experiment experiment = context.experiment();
        Examples test = context.test();
        try (NDManager manager = NDManager.newBaseManager(device)) {
            TrainingStage.Result trained = new TrainingStage(progress).run(context, cell, out, device, manager);
            if (trained.failure() != null) {
                return trained.failure();
            }
            Classifier model = classifier(cell, trained.block(), test);
            String poor = TrainingQuality.failure(model, test, experiment.evalBatchSize(), manager);
            if (poor != null) {
                return TrainingStage.Result.failed(cell, trained.trainedNow(), poor).failure();
            }
            ExportStage.run(context, cell, OutputLayout.of(out).model(cell.directoryName()), trained.block(), trained.card());
            Map<String, Object> key = CacheKeys.evaluation(experiment, cell.hash(), trained.card().paramsSha256(),
                    context.code().evaluation(experiment, Evaluator.class));
            Evaluator.Subject subject = new Evaluator.Subject(experiment.name(), cell.id(), cell.entry().defense(),
                    cell.architecture(), context.data().name(), context.preprocessing().id(), cell.seed(), cell.hash(),
                    trained.card().trainSeconds());
            EvaluationStage.Scored scored = new EvaluationStage(experiment.evalBatchSize(), progress).run(out, cell, key,
                    evaluator -> evaluator.evaluate(subject, model, manager, test, experiment.attacks(), experiment.certifiers()));
            return new CellOutcome(cell.id(), trained.trainedNow(), scored.evaluatedNow(), scored.evaluation(),
                    scored.gallery(), List.of(), null, null);
        }
    }

    /** The classifier of {@code cell}'s network: behind its defense's input transform when the defense has one. */
    private static Classifier classifier(Cell cell, Block block, Examples test) {
        int numClasses = test.numClasses();
        InputTransform transform = cell.defense().inputTransform(cell.params(), test.box());
        return transform == null ? new BlockClassifier(block, numClasses, test.box())
                : new TransformedClassifier(new BlockClassifier(block, numClasses, test.box()), transform, cell.seed());
    }

    /**
     * The outcome of a cell that fine-tunes from a failed (or skipped) cell, which is then not trained; null
     * when its parent has results or it has no parent. {@code done} holds the outcomes so far by cell hash.
     */
    public static CellOutcome skippedForParent(Cell cell, Map<String, CellOutcome> done) {
        CellOutcome parent = cell.parent() == null ? null : done.get(cell.parent().hash());
        if (parent == null || parent.failure() == null) {
            return null;
        }
        String reason = "not trained: it fine-tunes from " + cell.parent().id() + ", which " + parent.failure().statusLabel();
        LOG.error("{}: {}", cell.id(), reason);
        return CellOutcome.failed(cell.id(), false, new FailedEntry(cell.id(), cell.entry().defense(), cell.architecture(),
                FailedEntry.Status.SKIPPED, reason));
    }

    /**
     * Writes {@code results.csv}, {@code run.json}, {@code sanity.csv}, the gallery, the timings and the site from
     * the cells' outcomes.
     */
    public Summary finish(RunContext context, Path out, Device device, Shard shard, List<Cell> cells,
            List<CellOutcome> outcomes) throws IOException {
        return ReportStage.write(context, out, device, shard, cells, outcomes);
    }

    /**
     * The directories, relative to the output directory, that hold the artifacts of {@code cell}: its model,
     * evaluations, gallery examples and timings. An engine that runs cells elsewhere moves these.
     */
    public static List<String> cellDirectories(Cell cell) {
        return OutputLayout.cellDirectories(cell.directoryName());
    }

    /** The first line of a parser's message (Jackson's messages carry a source excerpt on later lines). */
    static String oneLine(Throwable e) {
        String message = e instanceof JacksonException j ? j.getOriginalMessage() : e.getMessage();
        return message == null ? e.getClass().getSimpleName() : message.lines().findFirst().orElse("");
    }
}
