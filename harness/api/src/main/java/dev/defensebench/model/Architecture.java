package dev.defensebench.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;

/**
 * A named network layout. Built-ins are registered in {@code META-INF/services}; a user adds one by
 * implementing this interface and registering it the same way (see {@link Architectures}).
 */
public interface Architecture {

    /** The id used in experiment files, e.g. "lenet". */
    String name();

    /** One line for {@code defense-bench list}. */
    String description();

    /** A fresh, uninitialised network for samples of {@code sampleShape} and {@code numClasses} outputs. */
    Block build(Shape sampleShape, int numClasses);

    /**
     * The largest learning rate a defense's <em>default</em> may use on this network (SGD with momentum
     * 0.9, Xavier initialisation, [0,1] inputs): a higher default is lowered to it, so that every
     * architecture trains with the defaults. A learning rate written in the experiment is used as written.
     */
    default double maxDefaultLearningRate() {
        return Double.POSITIVE_INFINITY;
    }
}
