package dev.defensebench.attacks;

import ai.djl.ndarray.NDArray;
import dev.defensebench.spi.Classifier;
import dev.defensebench.testing.ClassifierWrapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A stand-in for a randomized model whose draws disagree: another model's logits, except that on the
 * forwards numbered in {@code wrongCalls} (from 1) the true class's logit is lowered by 100, so every
 * sample is misclassified there. Records the input of every forward, so a test can tell which iterate
 * an attack returned.
 */
final class ScriptedMisclassification implements ClassifierWrapper {

    private final Classifier inner;
    private final NDArray trueClassMask;
    private final Set<Integer> wrongCalls;
    private final List<float[]> inputs = new ArrayList<>();

    /** {@code inner} misclassifying on the forwards {@code wrongCalls}; {@code labels} the true classes. */
    ScriptedMisclassification(Classifier inner, NDArray labels, Set<Integer> wrongCalls) {
        this.inner = inner;
        this.trueClassMask = labels.oneHot(inner.numClasses()).toType(ai.djl.ndarray.types.DataType.FLOAT32, false).mul(100);
        this.wrongCalls = wrongCalls;
    }

    @Override
    public Classifier inner() {
        return inner;
    }

    @Override
    public NDArray logits(NDArray x) {
        inputs.add(x.toFloatArray());
        NDArray logits = inner.logits(x);
        return wrongCalls.contains(inputs.size()) ? logits.sub(trueClassMask) : logits;
    }

    /** The input of forward {@code call} (from 1). */
    float[] input(int call) {
        return inputs.get(call - 1);
    }

    /** How many forwards ran. */
    int calls() {
        return inputs.size();
    }
}
