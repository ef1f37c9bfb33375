package dev.defensebench.app.run;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import dev.defensebench.model.Architecture;
import dev.defensebench.model.ModelFiles;

/**
 * The one place the harness builds a network of an architecture, initializes it and loads stored weights into
 * it: the run's trained and reused cells, the surrogate of an imported entry, the imported graph's own weights,
 * the export command and the timing benchmarks.
 */
public final class Networks {

    private Networks() {}

    /**
     * A network of {@code architecture} for samples of {@code sampleShape} and {@code numClasses} classes, its
     * float32 parameters initialized (as the architecture initializes them) on {@code manager}.
     */
    public static Block initialized(Architecture architecture, Shape sampleShape, int numClasses, NDManager manager) {
        Block block = architecture.build(sampleShape, numClasses);
        block.initialize(manager, DataType.FLOAT32, new Shape(1).addAll(sampleShape));
        return block;
    }

    /** {@link #initialized} with the stored {@code parameters} (a model.params file's bytes) loaded into it. */
    public static Block load(Architecture architecture, Shape sampleShape, int numClasses, NDManager manager,
            byte[] parameters) {
        Block block = initialized(architecture, sampleShape, numClasses, manager);
        ModelFiles.loadParameters(block, manager, parameters);
        return block;
    }
}
