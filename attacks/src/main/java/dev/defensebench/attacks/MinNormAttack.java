package dev.defensebench.attacks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.defensebench.spi.Attack;
import dev.defensebench.spi.AttackResult;
import dev.defensebench.spi.Classifier;
import dev.defensebench.spi.EpsilonOutcome;
import dev.defensebench.spi.Hyperparameters;
import dev.defensebench.spi.Norm;
import dev.defensebench.spi.ThreatModel;
import java.util.ArrayList;
import java.util.List;

/**
 * Base of the attacks that search for the smallest adversarial perturbation (DeepFool, C&W, ...): runs
 * the algorithm once, clips into the input box, measures each sample's perturbation norm, and
 * thresholds it at every ε of the grid (a sample is broken at ε if it is already misclassified, or its
 * adversarial example is misclassified and no farther than ε).
 */
public abstract class MinNormAttack implements Attack {

    /** The algorithm: a candidate adversarial batch (clipping and bookkeeping follow). */
    protected abstract NDArray findAdversarial(
            Classifier model, NDArray x, NDArray labels, Norm norm, Hyperparameters params, long seed);

    /**
     * Whether the adversarial examples are clipped into the model's input box (the default). An attack
     * may offer an unconstrained mode to reproduce papers that measured without the box.
     */
    protected boolean clipsToBox(Hyperparameters params) {
        return true;
    }

    @Override
    public final AttackResult run(
            Classifier model, NDArray inputs, NDArray labels, ThreatModel threat, Hyperparameters params, long seed) {
        Checks.requireNorm(this, threat.norm());
        NDArray found = findAdversarial(model, inputs, labels, threat.norm(), params, seed);
        boolean inBox = clipsToBox(params);
        NDArray adversarial = inBox ? model.box().clip(found) : found;
        long[] clean = model.predict(inputs).toLongArray();
        long[] attacked = model.predict(adversarial).toLongArray();
        long[] truth = labels.toType(DataType.INT64, false).toLongArray();
        float[] size = threat.norm().perSample(adversarial.sub(inputs)).toType(DataType.FLOAT32, false).toFloatArray();
        float[] inputNorms = Norm.L2.perSample(inputs).toType(DataType.FLOAT32, false).toFloatArray();
        int n = clean.length;
        float[] distances = new float[n];
        for (int i = 0; i < n; i++) {
            distances[i] = attacked[i] != clean[i] ? size[i] : Float.POSITIVE_INFINITY;
        }
        List<EpsilonOutcome> outcomes = new ArrayList<>();
        for (double eps : threat.epsilons()) {
            boolean[] success = new boolean[n];
            boolean[] use = new boolean[n];
            for (int i = 0; i < n; i++) {
                boolean reached = distances[i] <= eps && attacked[i] != truth[i];
                use[i] = reached;
                success[i] = clean[i] != truth[i] || reached;
            }
            outcomes.add(new EpsilonOutcome(eps, Checks.select(use, adversarial, inputs), success));
        }
        return new AttackResult(name(), threat.norm(), outcomes, distances, inputNorms, adversarial, inBox);
    }
}
