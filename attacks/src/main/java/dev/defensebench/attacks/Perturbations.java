package dev.defensebench.attacks;

import ai.djl.ndarray.NDArray;
import dev.defensebench.spi.Norm;
import dev.defensebench.autograd.Scalars;

/** Projection onto an ε-ball, shared by the fixed-ε attacks and adversarial training. */
public final class Perturbations {

    private Perturbations() {}

    /** {@code adversarial} moved back into the {@code norm}-ball of radius {@code eps} around {@code x}. */
    public static NDArray projectToBall(NDArray x, NDArray adversarial, Norm norm, double eps) {
        NDArray delta = adversarial.sub(x);
        if (norm == Norm.LINF) {
            return x.add(delta.clip(-eps, eps));
        }
        long n = x.getShape().get(0);
        NDArray norms = norm.perSample(delta).reshape(n, 1);
        NDArray scale = Scalars.of(norms, eps).div(norms.add(1e-12)).minimum(Scalars.of(norms, 1));
        NDArray scaled = delta.reshape(n, -1).mul(scale).reshape(x.getShape());
        return x.add(scaled);
    }
}
