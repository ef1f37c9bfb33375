package dev.defensebench.app.run;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import dev.defensebench.app.plan.Cell;
import dev.defensebench.files.AtomicFiles;
import dev.defensebench.files.Json;
import dev.defensebench.model.Architecture;
import dev.defensebench.model.ModelCard;
import dev.defensebench.model.ModelFiles;
import dev.defensebench.report.FailedEntry;
import dev.defensebench.report.OutputLayout;
import dev.defensebench.spi.Examples;
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
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The training stage of a run: a trained cell's network, reused from its stored model ({@code model.params} and
 * {@code card.json} of the same cell hash) or trained now by its defense and stored atomically.
 */
final class TrainingStage {

    private static final Logger LOG = LoggerFactory.getLogger(TrainingStage.class);

    /**
     * A cell's network, or why it has none.
     *
     * @param block the network with its weights, on the manager it was asked for (null on failure)
     * @param card its model card (null on failure)
     * @param trainedNow whether it was trained in this run (false: reused)
     * @param failure the cell's outcome when training failed or could not start, else null
     */
    record Result(Block block, ModelCard card, boolean trainedNow, CellOutcome failure) {

        static Result failed(Cell cell, boolean trained, String reason) {
            LOG.error("{}: training failed: {}", cell.id(), reason);
            return new Result(null, null, trained, CellOutcome.failed(cell.id(), trained, new FailedEntry(cell.id(),
                    cell.entry().defense(), cell.architecture(), FailedEntry.Status.FAILED, reason)));
        }
    }

    private final ProgressListener progress;

    TrainingStage(ProgressListener progress) {
        this.progress = progress;
    }

    /** The network of {@code cell} on {@code manager}: its stored model under {@code out}, or one trained now. */
    Result run(RunContext context, Cell cell, Path out, Device device, NDManager manager) throws IOException {
        Path modelDir = OutputLayout.of(out).model(cell.directoryName());
        Examples test = context.test();
        StoredModel stored = readStored(modelDir, cell);
        if (stored == null) {
            return train(context, cell, out, device, manager);
        }
        LOG.info("{}: reusing the trained model in {}", cell.id(), modelDir);
        Block block = Networks.load(cell.network(), test.sampleShape(), context.data().numClasses(), manager, stored.params());
        return new Result(block, stored.card(), false, null);
    }

    private Result train(RunContext context, Cell cell, Path out, Device device, NDManager manager) throws IOException {
        Path parentParams = cell.parent() == null ? null
                : OutputLayout.of(out).model(cell.parent().directoryName()).resolve(OutputLayout.PARAMS);
        if (parentParams != null && !Files.isRegularFile(parentParams) && cell.parent().imported()) {
            return Result.failed(cell, false, "it fine-tunes " + cell.parent().id() + ", which is scored through ONNX "
                    + "Runtime (see its card's why_not_white_box), so there are no interpreted weights to start from");
        }
        if (parentParams != null && !Files.isRegularFile(parentParams)) {
            throw new IOException(cell.id() + " fine-tunes from " + cell.parent().id() + ", but " + parentParams
                    + " does not exist; the parent cell must run first");
        }
        byte[] initial = parentParams == null ? null : Files.readAllBytes(parentParams);
        Shape sampleShape = context.train().sampleShape();
        int numClasses = context.data().numClasses();
        Architecture architecture = cell.network();
        TrainingRequest request = new TrainingRequest(context.train(), () -> architecture.build(sampleShape, numClasses),
                cell.params(), cell.seed(), device, initial, progress.prefixed(cell.id()));
        try (TrainedModel trained = cell.defense().train(request)) {
            String nonFinite = SgdTraining.nonFiniteParameter(trained.block());
            if (nonFinite != null) {
                return Result.failed(cell, true, "non-finite weights in parameter '" + nonFinite + "' after training");
            }
            byte[] parameters = ModelFiles.parameters(trained.block());
            ModelCard card = card(context, cell, device, trained, ModelFiles.sha256(parameters), ancestorsBudget(out, cell));
            Path modelDir = OutputLayout.of(out).model(cell.directoryName());
            AtomicFiles.write(modelDir.resolve(OutputLayout.PARAMS), parameters);
            AtomicFiles.write(modelDir.resolve(OutputLayout.CARD), Json.PRETTY.writeValueAsBytes(card));
            return new Result(Networks.load(architecture, sampleShape, numClasses, manager, parameters), card, true, null);
        } catch (TrainingDivergedException e) {
            return Result.failed(cell, true, e.getMessage());
        }
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

    private static ModelCard card(RunContext context, Cell cell, Device device, TrainedModel trained, String paramsSha256,
            TrainingBudget ancestors) {
        Map<String, String> parent = null;
        if (cell.parent() != null) {
            parent = new LinkedHashMap<>();
            parent.put("cell", cell.parent().id());
            parent.put("hash", cell.parent().hash());
        }
        return ModelCard.builder().cellId(cell.id()).cellHash(cell.hash()).experiment(context.experiment().name())
                .defense(cell.entry().defense()).architecture(cell.architecture()).params(cell.params().asMap())
                .seed(cell.seed()).initFrom(parent).data(context.identity()).code(Versions.code())
                .libraries(Versions.libraries()).device(device.toString()).epochSeconds(trained.epochSeconds())
                .metrics(trained.metrics()).notes(trained.notes()).createdAt(Instant.now().toString())
                .paramsSha256(paramsSha256).budget(new ModelCard.Budget(trained.budget(), trained.budget().plus(ancestors)))
                .build();
    }
}
