package dev.defensebench.defenses;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import dev.defensebench.model.ModelFiles;
import dev.defensebench.spi.TrainedModel;
import dev.defensebench.spi.TrainingBudget;
import dev.defensebench.spi.TrainingRequest;
import java.util.List;
import java.util.Map;

/**
 * The "training" of a defense that only transforms its input at test time: the parent's weights
 * ({@code init_from}), loaded unchanged, so the transform wraps any trained or imported (interpreted) model
 * without retraining it.
 */
final class ParentWeights {

    private ParentWeights() {}

    /** The parent's network as the request's architecture, its weights unchanged; {@code describe} goes into the notes. */
    static TrainedModel load(TrainingRequest request, String defense, String describe) {
        if (request.initialWeights() == null) {
            throw new IllegalArgumentException("defense '" + defense + "' transforms the inputs of a trained model and "
                    + "trains nothing itself: give its entry 'init_from' naming the model to wrap");
        }
        NDManager manager = NDManager.newBaseManager(request.device());
        try {
            Block block = request.architecture().get();
            block.initialize(manager, DataType.FLOAT32, new Shape(1).addAll(request.data().sampleShape()));
            ModelFiles.loadParameters(block, manager, request.initialWeights());
            return new TrainedModel(block, manager, List.of(), Map.of(), Map.of("input_transform", describe),
                    TrainingBudget.NONE);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }
}
