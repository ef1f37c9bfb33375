package dev.defensebench.spi;

import ai.djl.Device;
import ai.djl.nn.Block;
import java.util.function.Supplier;

/**
 * Everything a {@link Defense} needs to train one model.
 *
 * @param data the preprocessed training set
 * @param architecture builds a fresh, uninitialised network for the data's shape
 * @param params the defense's resolved hyper-parameters
 * @param seed seeds initialisation, shuffling and any randomness of the defense
 * @param device where to train
 * @param initialWeights the parameters to fine-tune from ({@code init_from}), or null to start from scratch
 * @param progress receives progress updates
 */
public record TrainingRequest(
        Examples data,
        Supplier<Block> architecture,
        Hyperparameters params,
        long seed,
        Device device,
        byte[] initialWeights,
        ProgressListener progress) {}
