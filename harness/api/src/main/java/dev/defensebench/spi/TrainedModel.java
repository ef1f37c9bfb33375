package dev.defensebench.spi;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import java.util.List;
import java.util.Map;

/**
 * A trained network and what its training measured. The caller owns {@code manager} (it holds the
 * parameters) and closes it when done.
 *
 * @param block the trained network (initialised, parameters on {@code manager})
 * @param manager owner of the parameters
 * @param epochSeconds wall time of every epoch
 * @param metrics last-epoch means of the terms the defense reported (loss, accuracy, ...)
 * @param notes defense-specific figures worth recording (e.g. the regularizer's share of wall time)
 * @param budget what this training spent (its ancestors' training not included)
 */
public record TrainedModel(
        Block block, NDManager manager, List<Double> epochSeconds, Map<String, Double> metrics, Map<String, Object> notes,
        TrainingBudget budget)
        implements AutoCloseable {

    @Override
    public void close() {
        manager.close();
    }
}
