package dev.defensebench.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.util.PairList;

/**
 * The aggregation layer of a residual unit: {@code y = a₀·shortcut(x) + a₁·branch(x)}. The weights
 * {@code a} start at (1, 1), the plain sum of every ResNet, and are frozen; Parseval training unfreezes
 * them (see {@link #makeConvex}) and keeps them on the probability simplex, the convexity constraint
 * of Cisse et al. 2017. They are saved with the other parameters, so a convex model reloads as such.
 * While the weights are frozen at exactly (1, 1) the forward is the plain sum {@code shortcut(x) + branch(x)}
 * (the same values, bit for bit): the two products by 1 would cost two passes over each unit's output forward
 * and two more backward, and keep two more activations alive (docs/benchmarks.md, "Real-scale rows").
 */
public final class ResidualSum extends AbstractBlock {

    private static final byte VERSION = 1;

    private final Block branch;
    private final Block shortcut;
    private final Parameter aggregation;
    private volatile Checked checked;

    /** {@code branch} is the residual function, {@code shortcut} the identity or a projection. */
    public ResidualSum(Block branch, Block shortcut) {
        super(VERSION);
        this.branch = addChildBlock("branch", branch);
        this.shortcut = addChildBlock("shortcut", shortcut);
        this.aggregation = addParameter(Parameter.builder()
                .setName("aggregation")
                .setType(Parameter.Type.OTHER)
                .optShape(new Shape(2))
                .optInitializer(new ConstantInitializer(1f))
                .optRequiresGrad(false)
                .build());
    }

    /** The residual function. */
    public Block branch() {
        return branch;
    }

    /** The identity or projection the branch is added to. */
    public Block shortcut() {
        return shortcut;
    }

    /** The two aggregation weights (shortcut, branch). */
    public Parameter aggregation() {
        return aggregation;
    }

    /**
     * Before initialisation: the weights start at (½, ½) and are trained, which makes the sum a convex
     * combination that Parseval training keeps on the simplex.
     */
    public void makeConvex() {
        aggregation.setInitializer(new ConstantInitializer(0.5f));
        aggregation.freeze(false);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray a = store.getValue(aggregation, inputs.head().getDevice(), training);
        NDArray s = shortcut.forward(store, inputs, training, params).singletonOrThrow();
        NDArray b = branch.forward(store, inputs, training, params).singletonOrThrow();
        if (isPlainSum(a)) {
            return new NDList(s.add(b));
        }
        return new NDList(s.mul(a.get(0)).add(b.mul(a.get(1))));
    }

    /**
     * Whether the weights {@code a} are frozen and exactly (1, 1), so that the products would change nothing. The
     * answer is kept per array (reading the values back would wait for a GPU at every unit): frozen weights change
     * by a new array (loading), not in place.
     */
    private boolean isPlainSum(NDArray a) {
        if (aggregation.requiresGradient()) {
            return false;
        }
        Checked last = checked;
        if (last == null || last.array() != a) {
            Number[] values = a.toArray(); // float32 or float64 networks alike
            last = new Checked(a, values[0].doubleValue() == 1 && values[1].doubleValue() == 1);
            checked = last;
        }
        return last.plain();
    }

    /** Whether the frozen weights {@code array} are (1, 1). */
    private record Checked(NDArray array, boolean plain) {}

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return branch.getOutputShapes(inputShapes);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        branch.initialize(manager, dataType, inputShapes);
        shortcut.initialize(manager, dataType, inputShapes);
    }
}
