package dev.defensebench.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.defensebench.autograd.Autograd;
import java.util.ArrayList;
import java.util.List;

/**
 * SGD with momentum and weight decay, matconvnet style: {@code v ← μv − lr·(g + wd·w); w ← w + v}.
 * The velocity buffers live on the given manager; updates happen in place, outside any graph. Only the
 * parameters that require gradients are trained (not BatchNorm's running statistics, nor frozen ones).
 */
public final class SgdOptimizer {

    private final List<NDArray> weights = new ArrayList<>();
    private final List<NDArray> velocities = new ArrayList<>();
    private final float momentum;
    private final float weightDecay;

    public SgdOptimizer(Block block, NDManager manager, double momentum, double weightDecay) {
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (!p.getValue().requiresGradient()) {
                continue;
            }
            NDArray w = p.getValue().getArray();
            weights.add(w);
            velocities.add(manager.zeros(w.getShape(), w.getDataType()));
        }
        this.momentum = (float) momentum;
        this.weightDecay = (float) weightDecay;
    }

    /** The parameter arrays, in the order {@link #update} expects their gradients. */
    public List<NDArray> weights() {
        return weights;
    }

    /** Gradients of the scalar {@code loss} with respect to every weight (no graph kept). */
    public NDList gradients(NDArray loss) {
        return Autograd.gradients(loss, weights, false);
    }

    /** One step with learning rate {@code lr}. */
    public void update(NDList gradients, float lr) {
        Autograd.notRecording(() -> {
            for (int i = 0; i < weights.size(); i++) {
                NDArray w = weights.get(i);
                NDArray g = gradients.get(i);
                if (weightDecay != 0) {
                    g = g.add(w.mul(weightDecay));
                }
                velocities.get(i).muli(momentum).subi(g.mul(lr));
                w.addi(velocities.get(i));
            }
            return null;
        });
    }
}
