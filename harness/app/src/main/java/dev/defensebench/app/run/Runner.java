package dev.defensebench.app.run;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
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
import dev.defensebench.files.AtomicFiles;
import dev.defensebench.files.Json;
import dev.defensebench.model.Architecture;
import dev.defensebench.model.BlockClassifier;
import dev.defensebench.model.ModelCard;
import dev.defensebench.model.ModelFiles;
import dev.defensebench.onnx.OnnxFile;
import dev.defensebench.onnx.OnnxRuntimeSettings;
import dev.defensebench.app.timing.EntryTimer;
import dev.defensebench.report.FailedEntry;
import dev.defensebench.report.FailuresFile;
import dev.defensebench.report.GalleryExample;
import dev.defensebench.report.GalleryFile;
import dev.defensebench.report.HeadlineFile;
import dev.defensebench.report.Machine;
import dev.defensebench.report.OutputLayout;
import dev.defensebench.report.ResultRow;
import dev.defensebench.report.ResultSet;
import dev.defensebench.report.ResultsCsv;
import dev.defensebench.report.SanityCheck;
import dev.defensebench.report.SanityCsv;
import dev.defensebench.report.Site;
import dev.defensebench.report.TimingMeasurement;
import dev.defensebench.report.TimingReport;
import dev.defensebench.adaptive.TransformedClassifier;
import dev.defensebench.spi.Classifier;
import dev.defensebench.spi.Examples;
import dev.defensebench.spi.InputTransform;
import dev.defensebench.spi.InputBox;
import dev.defensebench.spi.ProgressListener;
import dev.defensebench.spi.TrainedModel;
import dev.defensebench.spi.TrainingBudget;
import dev.defensebench.spi.TrainingRequest;
import dev.defensebench.train.SgdTraining;
import dev.defensebench.train.TrainingDivergedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
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

    /** Adversarial examples kept per attack and entry for the entry pages. */
    static final int GALLERY_PER_ATTACK = 3;

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
        Preprocessing preprocessing = Preprocessing.parse(experiment.preprocessing());
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
        CertifiableImports.check(experiment, imports, plugins, sampleShape, data.numClasses());
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
     * already be in {@code out}.
     */
    public CellOutcome runCell(RunContext context, Cell cell, Path out, Device device) throws IOException {
        if (cell.imported()) {
            int batchSize = context.experiment().evalBatchSize();
            OnnxRuntimeSettings runtime = new OnnxRuntimeSettings(0, device.isGpu() ? "auto" : "cpu", batchSize);
            CellOutcome imported = new ImportedCell(plugins, batchSize, progress, runtime).run(context, cell, out, device);
            return imported.failure() != null ? imported : timed(context, cell, out, device, imported);
        }
        Experiment experiment = context.experiment();
        Examples train = context.train();
        Examples test = context.test();
        Shape sampleShape = train.sampleShape();
        int numClasses = context.data().numClasses();
        Path modelDir = OutputLayout.of(out).model(cell.directoryName());
        Architecture architecture = context.architecture(cell, plugins);
        StoredModel stored = readStored(modelDir, cell);
        boolean trainedNow = stored == null;
        boolean evaluatedNow;
        Evaluation evaluation;
        List<GalleryExample> gallery;
        try (NDManager manager = NDManager.newBaseManager(device)) {
            Block block;
            ModelCard card;
            if (stored != null) {
                LOG.info("{}: reusing the trained model in {}", cell.id(), modelDir);
                card = stored.card();
                block = load(architecture, sampleShape, numClasses, manager, stored.params());
            } else {
                Path parentParams = cell.parent() == null ? null
                        : OutputLayout.of(out).model(cell.parent().directoryName()).resolve(OutputLayout.PARAMS);
                if (parentParams != null && !Files.isRegularFile(parentParams) && cell.parent().imported()) {
                    return failed(cell, false, "it fine-tunes " + cell.parent().id() + ", which is scored through ONNX "
                            + "Runtime (see its card's why_not_white_box), so there are no interpreted weights to start from");
                }
                if (parentParams != null && !Files.isRegularFile(parentParams)) {
                    throw new IOException(cell.id() + " fine-tunes from " + cell.parent().id() + ", but " + parentParams
                            + " does not exist; the parent cell must run first");
                }
                byte[] initial = parentParams == null ? null : Files.readAllBytes(parentParams);
                TrainingRequest request = new TrainingRequest(train, () -> architecture.build(sampleShape, numClasses),
                        cell.params(), cell.seed(), device, initial, progress.prefixed(cell.id()));
                try (TrainedModel trained = plugins.defense(cell.entry().defense()).train(request)) {
                    String nonFinite = SgdTraining.nonFiniteParameter(trained.block());
                    if (nonFinite != null) {
                        return failed(cell, true, "non-finite weights in parameter '" + nonFinite + "' after training");
                    }
                    byte[] parameters = ModelFiles.parameters(trained.block());
                    card = card(experiment, cell, context.identity(), device, trained, ModelFiles.sha256(parameters),
                            ancestorsBudget(out, cell));
                    AtomicFiles.write(modelDir.resolve(OutputLayout.PARAMS), parameters);
                    AtomicFiles.write(modelDir.resolve(OutputLayout.CARD), Json.PRETTY.writeValueAsBytes(card));
                    block = load(architecture, sampleShape, numClasses, manager, parameters);
                } catch (TrainingDivergedException e) {
                    return failed(cell, true, e.getMessage());
                }
            }
            InputTransform transform = plugins.defense(cell.entry().defense()).inputTransform(cell.params(), test.box());
            Classifier model = transform == null ? new BlockClassifier(block, numClasses, test.box())
                    : new TransformedClassifier(new BlockClassifier(block, numClasses, test.box()), transform, cell.seed());
            String poor = TrainingQuality.failure(model, test, experiment.evalBatchSize(), manager);
            if (poor != null) {
                return failed(cell, trainedNow, poor);
            }
            if (experiment.exportOnnx() && !Files.exists(modelDir.resolve(OutputLayout.ONNX))) {
                try {
                    ModelExport.Check check = ModelExport.write(block, architecture, card, context.preprocessor(),
                            test.box(), numClasses, test.first(100).inputs(), modelDir.resolve(OutputLayout.ONNX));
                    LOG.info("{}: exported {}: {}", cell.id(), modelDir.resolve(OutputLayout.ONNX), check.describe());
                } catch (IllegalArgumentException e) {
                    LOG.warn("{}: not exported to ONNX: {}", cell.id(), e.getMessage());
                }
            }
            StoredEvaluation storedEvaluation = StoredEvaluation.of(out, cell, CacheKeys.evaluation(experiment, cell.hash(),
                    card.paramsSha256(), context.code().evaluation(experiment, plugins, Evaluator.class)));
            StoredEvaluation.Found found = storedEvaluation.read();
            evaluatedNow = found == null;
            if (!evaluatedNow) {
                LOG.info("{}: reusing the stored evaluation {}", cell.id(), storedEvaluation.evaluationFile());
                evaluation = found.evaluation();
                gallery = found.gallery();
            } else {
                GalleryRecorder recorder = new GalleryRecorder(GALLERY_PER_ATTACK);
                Evaluator evaluator = new Evaluator(plugins, experiment.evalBatchSize(), progress, recorder);
                Evaluator.Subject subject = new Evaluator.Subject(experiment.name(), cell.id(), cell.entry().defense(),
                        cell.architecture(), context.data().name(), context.preprocessing().id(), cell.seed(), cell.hash(),
                        card.trainSeconds());
                evaluation = evaluator.evaluate(subject, model, manager, test, experiment.attacks(), experiment.certifiers());
                gallery = recorder.drain();
                storedEvaluation.write(evaluation, gallery);
            }
            evaluation.warnAboutSanity(cell.id());
        }
        CellOutcome outcome = new CellOutcome(cell.id(), trainedNow, evaluatedNow, evaluation, gallery, List.of(), null, null);
        return timed(context, cell, out, device, outcome);
    }

    /**
     * {@code outcome} with the cell's JMH timings when the experiment asks for them and the cell has weights of ours
     * (an imported model scored through ONNX Runtime has none, and is not timed).
     */
    private CellOutcome timed(RunContext context, Cell cell, Path out, Device device, CellOutcome outcome) throws IOException {
        Experiment experiment = context.experiment();
        Path params = OutputLayout.of(out).model(cell.directoryName()).resolve(OutputLayout.PARAMS);
        if (!experiment.timing().enabled() || !Files.isRegularFile(params)) {
            return outcome;
        }
        Cell root = cell.importedRoot();
        Path onnxFile = root == null ? null : context.imports().get(root.entry().name()).file();
        EntryTimer timer = new EntryTimer(experiment.timing(), experiment.attacks(), plugins, device);
        List<TimingMeasurement> timings = timer.time(cell.id(), cell.hash(), cell.architecture(), onnxFile,
                context.test().numClasses(), params, context.test(), OutputLayout.of(out).cellTiming(cell.directoryName()));
        return new CellOutcome(outcome.cellId(), outcome.trained(), outcome.evaluated(), outcome.evaluation(),
                outcome.gallery(), timings, timer.machine(), null);
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

    private static CellOutcome failed(Cell cell, boolean trained, String reason) {
        LOG.error("{}: training failed: {}", cell.id(), reason);
        return CellOutcome.failed(cell.id(), trained, new FailedEntry(cell.id(), cell.entry().defense(),
                cell.architecture(), FailedEntry.Status.FAILED, reason));
    }

    private static Block load(Architecture architecture, Shape sampleShape, int numClasses, NDManager manager,
            byte[] parameters) {
        Block block = architecture.build(sampleShape, numClasses);
        block.initialize(manager, DataType.FLOAT32, new Shape(1).addAll(sampleShape));
        ModelFiles.loadParameters(block, manager, parameters);
        return block;
    }

    /**
     * Writes {@code results.csv}, {@code run.json}, {@code sanity.csv}, the gallery, the timings and the site from
     * the cells' outcomes.
     */
    public Summary finish(RunContext context, Path out, Device device, Shard shard, List<Cell> cells,
            List<CellOutcome> outcomes) throws IOException {
        Experiment experiment = context.experiment();
        Summary summary = new Summary(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>(),
                new ArrayList<>(), OutputLayout.of(out).results(), OutputLayout.of(out).site().resolve(Site.INDEX));
        List<ResultRow> rows = new ArrayList<>();
        List<SanityCheck> sanity = new ArrayList<>();
        List<GalleryExample> gallery = new ArrayList<>();
        List<TimingMeasurement> timings = new ArrayList<>();
        Machine timingMachine = null;
        Set<String> importedIds = cells.stream().filter(Cell::imported).map(Cell::id).collect(Collectors.toSet());
        for (CellOutcome outcome : outcomes) {
            if (outcome.failure() != null) {
                summary.failures().add(outcome.failure());
                continue;
            }
            if (!importedIds.contains(outcome.cellId())) { // an imported model is neither trained nor reused
                (outcome.trained() ? summary.trained() : summary.reused()).add(outcome.cellId());
            }
            (outcome.evaluated() ? summary.evaluated() : summary.evaluationsReused()).add(outcome.cellId());
            rows.addAll(outcome.evaluation().rows());
            sanity.addAll(outcome.evaluation().sanity());
            gallery.addAll(outcome.gallery());
            if (outcome.timingMachine() == null) {
                continue;
            }
            if (timingMachine == null) {
                timingMachine = outcome.timingMachine();
            }
            if (timingMachine.equals(outcome.timingMachine())) {
                timings.addAll(outcome.timings());
            } else {
                // one board shows one machine's timings: others are not comparable with them
                LOG.warn("{}: timed on another machine ({}) than the first timed cell; its timings are left off the board",
                        outcome.cellId(), outcome.timingMachine());
            }
        }
        ResultsCsv.write(summary.results(), rows);
        new RunManifest(experiment.name(), CacheKeys.sha256(Json.MAPPER.convertValue(experiment, Map.class)), context.version(),
                shard.index(), shard.count(), cells.stream().map(Cell::id).toList()).write(out);
        SanityCsv.write(out.resolve(OutputLayout.SANITY), sanity);
        FailuresFile.write(out.resolve(OutputLayout.FAILURES), summary.failures());
        GalleryFile.write(out.resolve(OutputLayout.GALLERY), gallery);
        if (experiment.timing().enabled()) {
            EntryTimer timer = new EntryTimer(experiment.timing(), experiment.attacks(), plugins, device);
            TimingReport.write(out.resolve(OutputLayout.TIMING), new TimingReport(
                    timingMachine != null ? timingMachine : timer.machine(), timer.settings(), timings));
        } else {
            Files.deleteIfExists(out.resolve(OutputLayout.TIMING)); // no stale timings from an earlier run
        }
        HeadlineFile.write(out, experiment.headlineByLabel());
        Site.write(ResultSet.read(out), List.of(), summary.site().getParent(), Instant.now());
        return summary;
    }

    /**
     * The directories, relative to the output directory, that hold the artifacts of {@code cell}: its model,
     * evaluations, gallery examples and timings. An engine that runs cells elsewhere moves these.
     */
    public static List<String> cellDirectories(Cell cell) {
        return OutputLayout.cellDirectories(cell.directoryName());
    }

    /**
     * The stored model of {@code cell}, or null when there is none, it was trained for another hash, or its
     * card or weights are damaged (unreadable, or weights that do not match the card's SHA-256); a damaged
     * model is reported in one line naming the file and trained again.
     */
    private static StoredModel readStored(Path modelDir, Cell cell) throws IOException {
        if (!Files.exists(modelDir.resolve(OutputLayout.CARD)) || !Files.exists(modelDir.resolve(OutputLayout.PARAMS))) {
            return null;
        }
        StoredModel stored;
        try {
            stored = StoredModel.read(modelDir);
        } catch (DamagedArtifactException e) {
            LOG.warn("{}: {}; retraining", cell.id(), e.getMessage());
            return null;
        }
        if (!cell.hash().equals(stored.card().cellHash())) {
            LOG.warn("{}: {} has hash {}, expected {}; retraining", cell.id(), modelDir.resolve(OutputLayout.CARD),
                    stored.card().cellHash(), cell.hash());
            return null;
        }
        return stored;
    }

    /**
     * The training budget of every cell {@code cell} descends from, read from its parent's card (which
     * holds its own ancestors'); nothing for a cell trained from scratch or a parent trained elsewhere.
     */
    private static TrainingBudget ancestorsBudget(Path out, Cell cell) throws IOException {
        if (cell.parent() == null) {
            return TrainingBudget.NONE;
        }
        Path card = OutputLayout.of(out).model(cell.parent().directoryName()).resolve(OutputLayout.CARD);
        ModelCard.Budget parent = Files.isRegularFile(card) ? Json.MAPPER.readValue(card.toFile(), ModelCard.class).budget()
                : null;
        return parent == null ? TrainingBudget.NONE : parent.withAncestors();
    }

    /** The first line of a parser's message (Jackson's messages carry a source excerpt on later lines). */
    static String oneLine(Throwable e) {
        String message = e instanceof JacksonException j ? j.getOriginalMessage() : e.getMessage();
        return message == null ? e.getClass().getSimpleName() : message.lines().findFirst().orElse("");
    }

    private static ModelCard card(Experiment experiment, Cell cell, ModelCard.DataIdentity identity, Device device,
            TrainedModel trained, String paramsSha256, TrainingBudget ancestors) {
        Map<String, String> parent = null;
        if (cell.parent() != null) {
            parent = new LinkedHashMap<>();
            parent.put("cell", cell.parent().id());
            parent.put("hash", cell.parent().hash());
        }
        return new ModelCard(cell.id(), cell.hash(), experiment.name(), cell.entry().defense(), cell.architecture(),
                cell.params().asMap(), cell.seed(), parent, identity, Versions.code(), Versions.libraries(),
                device.toString(), trained.epochSeconds(), trained.metrics(), trained.notes(), Instant.now().toString(),
                paramsSha256, new ModelCard.Budget(trained.budget(), trained.budget().plus(ancestors)));
    }
}
