package dev.defensebench.model;

import dev.defensebench.autograd.PassCounter;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Convolution;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import dev.defensebench.spi.Classifier;
import dev.defensebench.spi.InputBox;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link Classifier} backed by an initialised DJL {@link Block} (white-box: gradients available). It runs
 * the block in one {@link ForwardMode}; a new classifier is {@link ForwardMode#INFERENCE}, and
 * {@link #inMode} gives a view of the same network in another mode.
 */
public final class BlockClassifier implements Classifier {

    private final Block block;
    private final Stores stores;
    private final int numClasses;
    private final InputBox box;
    private final ForwardMode mode;

    public BlockClassifier(Block block, int numClasses, InputBox box) {
        this(block, new Stores(), numClasses, box, ForwardMode.INFERENCE);
    }

    private BlockClassifier(Block block, Stores stores, int numClasses, InputBox box, ForwardMode mode) {
        this.block = block;
        this.stores = stores;
        this.numClasses = numClasses;
        this.box = box;
        this.mode = mode;
    }

    public Block block() {
        return block;
    }

    /** The mode this view runs the network in. */
    public ForwardMode mode() {
        return mode;
    }

    /**
     * Whether every mode gives the same outputs: the network is made of sequential blocks, linear and
     * convolution layers and parameter-free lambda blocks (activations, pooling, flattening, layout) only,
     * none of which reads the training flag. False for anything else (BatchNorm, dropout, residual or custom
     * blocks), whether or not it would differ.
     */
    public boolean sameInEveryMode() {
        return modeFree(block);
    }

    private static boolean modeFree(Block b) {
        if (b instanceof SequentialBlock) {
            return b.getChildren().values().stream().allMatch(BlockClassifier::modeFree);
        }
        return b instanceof Linear || b instanceof Convolution || b instanceof LambdaBlock;
    }

    /** The same network (same parameters and statistics) run in {@code other} mode. */
    public BlockClassifier inMode(ForwardMode other) {
        return other == mode ? this : new BlockClassifier(block, stores, numClasses, box, other);
    }

    @Override
    public int numClasses() {
        return numClasses;
    }

    @Override
    public Shape sampleShape() {
        return box.sampleShape();
    }

    @Override
    public InputBox box() {
        return box;
    }

    @Override
    public NDArray logits(NDArray inputs) {
        ParameterStore store = mode == ForwardMode.BATCH_STATISTICS ? stores.scratch() : stores.plain;
        PassCounter.forward(inputs.getShape().get(0));
        return block.forward(store, new NDList(inputs), mode != ForwardMode.INFERENCE).singletonOrThrow();
    }

    /** The parameter stores the views of one network share (each store holds a base manager: made once). */
    private static final class Stores {
        final ParameterStore plain = new ParameterStore();
        private ParameterStore scratch;

        synchronized ParameterStore scratch() {
            if (scratch == null) {
                scratch = new ScratchStatistics();
            }
            return scratch;
        }
    }

    /**
     * Hands BatchNorm a fresh copy of its running statistics for every forward, so that the update a
     * training-mode forward makes lands on the copy (released with the caller's {@code NDScope}) and the
     * network's own statistics, which a recorded graph may still refer to, are never written.
     */
    private static final class ScratchStatistics extends ParameterStore {
        @Override
        public NDArray getValue(Parameter parameter, Device device, boolean training) {
            Parameter.Type type = parameter == null ? null : parameter.getType();
            if (type == Parameter.Type.RUNNING_MEAN || type == Parameter.Type.RUNNING_VAR) {
                return parameter.getArray().duplicate();
            }
            return super.getValue(parameter, device, training);
        }
    }

    /** The BatchNorm running means and variances of {@code block} (empty when it has no BatchNorm). */
    public static List<NDArray> runningStatistics(Block block) {
        List<NDArray> out = new ArrayList<>();
        for (var p : block.getParameters()) {
            Parameter.Type type = p.getValue().getType();
            if (type == Parameter.Type.RUNNING_MEAN || type == Parameter.Type.RUNNING_VAR) {
                out.add(p.getValue().getArray());
            }
        }
        return out;
    }
}
