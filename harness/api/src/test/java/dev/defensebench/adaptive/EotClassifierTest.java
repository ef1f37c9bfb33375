package dev.defensebench.adaptive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.defensebench.testing.LinearClassifier;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * EOT: the gradient is the mean over the draws. Behind the transform x ↦ s·x (s fresh per forward) a linear
 * model's gradient of c·z is s·Wᵀc, so the EOT gradient must be mean(s_k)·Wᵀc with the s_k the seed's
 * first draws.
 */
class EotClassifierTest {

    private static final double[] C = {1, -0.5, 2};

    @Test
    void gradientIsTheMeanOverTheDraws() {
        try (NDManager m = NDManager.newBaseManager()) {
            LinearClassifier model = Transforms.linear(m);
            NDArray x = Transforms.inputs(m);
            int draws = 20;
            EotClassifier eot = new EotClassifier(new TransformedClassifier(model, Transforms.RANDOM_SCALE, 11), draws);
            assertThat(eot.averagesGradients()).isTrue();
            double[] g = eot.inputGradient(x, z -> z.mul(m.create(C)).sum()).toDoubleArray();
            Random replay = new Random(11);
            double mean = 0;
            for (int k = 0; k < draws; k++) {
                mean += 2 * replay.nextDouble() / draws;
            }
            double[] single = model.inputGradient(x, z -> z.mul(m.create(C)).sum()).toDoubleArray();
            for (int i = 0; i < g.length; i++) {
                assertThat(g[i]).isCloseTo(mean * single[i], within(1e-12));
            }
        }
    }

    @Test
    void oneDrawIsThePlainGradient() {
        try (NDManager m = NDManager.newBaseManager()) {
            LinearClassifier model = Transforms.linear(m);
            NDArray x = Transforms.inputs(m);
            double[] eot = new EotClassifier(new TransformedClassifier(model, Transforms.RANDOM_SCALE, 3), 1)
                    .inputGradient(x, z -> z.mul(m.create(C)).sum()).toDoubleArray();
            double[] plain = new TransformedClassifier(model, Transforms.RANDOM_SCALE, 3)
                    .inputGradient(x, z -> z.mul(m.create(C)).sum()).toDoubleArray();
            assertThat(eot).containsExactly(plain, within(1e-15));
            assertThat(model.averagesGradients()).isFalse();
        }
    }

    /**
     * The draws' forward graphs and the transform's arrays are freed as the draws go (an attack of 100 steps
     * with 20 draws each ran out of direct memory when they stayed until its end): what one EOT gradient
     * leaves open on the inputs' manager does not grow with the number of draws.
     */
    @Test
    void leavesNoMoreArraysOpenWithMoreDraws() {
        try (NDManager m = NDManager.newBaseManager()) {
            LinearClassifier model = Transforms.linear(m);
            NDArray x = Transforms.inputs(m);
            NDArray c = m.create(C);
            int[] open = new int[2];
            int[] draws = {2, 40};
            for (int k = 0; k < draws.length; k++) {
                try (NDManager sub = m.newSubManager()) {
                    NDArray xs = x.duplicate();
                    xs.attach(sub);
                    int before = sub.getManagedArrays().size();
                    new EotClassifier(new TransformedClassifier(model, Transforms.RANDOM_SCALE, 5), draws[k])
                            .inputGradient(xs, z -> z.mul(c).sum());
                    open[k] = sub.getManagedArrays().size() - before;
                }
            }
            assertThat(open[1]).as("arrays left open after 40 draws vs after 2").isEqualTo(open[0]);
        }
    }

    @Test
    void refusesZeroDraws() {
        try (NDManager m = NDManager.newBaseManager()) {
            assertThatThrownBy(() -> new EotClassifier(Transforms.linear(m), 0)).hasMessageContaining("at least one draw");
        }
    }
}
