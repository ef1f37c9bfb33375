package dev.defensebench.adaptive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.defensebench.testing.LinearClassifier;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The classifier with a transform inside: its forward is model(transform(x)) in both forms; the plain form's
 * gradient is the transform's own (zero through rounding), the BPDA form's is the approximation's, checked
 * against the closed form W^T c ⊙ 2x of a linear model behind g(x) = x².
 */
class TransformedClassifierTest {

    private static final double[] C = {1, -0.5, 2};

    @Test
    void forwardIsTheModelOfTheTransformedInputsInBothForms() {
        try (NDManager m = NDManager.newBaseManager()) {
            LinearClassifier model = Transforms.linear(m);
            NDArray x = Transforms.inputs(m);
            TransformedClassifier plain = new TransformedClassifier(model, Transforms.QUARTERS_WITH_SQUARE, 1);
            double[] expected = model.logits(x.mul(4).round().div(4)).toDoubleArray();
            assertThat(plain.logits(x).toDoubleArray()).containsExactly(expected, within(1e-12));
            assertThat(plain.bpda().logits(x).toDoubleArray()).containsExactly(expected, within(1e-12));
        }
    }

    @Test
    void plainGradientIsZeroThroughRounding() {
        try (NDManager m = NDManager.newBaseManager()) {
            TransformedClassifier plain = new TransformedClassifier(Transforms.linear(m), Transforms.QUARTERS_WITH_SQUARE, 1);
            NDArray g = plain.inputGradient(Transforms.inputs(m), z -> z.mul(m.create(C)).sum());
            assertThat(java.util.Arrays.stream(g.toDoubleArray()).map(Math::abs)).containsOnly(0.0); // 0 or -0
        }
    }

    @Test
    void bpdaGradientIsTheApproximationsGradient() {
        try (NDManager m = NDManager.newBaseManager()) {
            LinearClassifier model = Transforms.linear(m);
            NDArray x = Transforms.inputs(m);
            TransformedClassifier bpda = new TransformedClassifier(model, Transforms.QUARTERS_WITH_SQUARE, 1).bpda();
            assertThat(bpda.isBpda()).isTrue();
            double[] g = bpda.inputGradient(x, z -> z.mul(m.create(C)).sum()).toDoubleArray();
            double[] w = {1, -2, 0.5, 3, -1, 0, 2, 1, 0.25, 1, -1, -0.5};
            double[] xs = x.toDoubleArray();
            for (int i = 0; i < 2; i++) {
                for (int j = 0; j < 4; j++) {
                    double wc = 0;
                    for (int k = 0; k < 3; k++) {
                        wc += w[k * 4 + j] * C[k];
                    }
                    assertThat(g[i * 4 + j]).isCloseTo(wc * 2 * xs[i * 4 + j], within(1e-12));
                }
            }
        }
    }

    @Test
    void drawsAreReproducibleFromTheSeed() {
        try (NDManager m = NDManager.newBaseManager()) {
            LinearClassifier model = Transforms.linear(m);
            NDArray x = Transforms.inputs(m);
            double[] a = new TransformedClassifier(model, Transforms.RANDOM_SCALE, 7).logits(x).toDoubleArray();
            double[] b = new TransformedClassifier(model, Transforms.RANDOM_SCALE, 7).logits(x).toDoubleArray();
            double[] c = new TransformedClassifier(model, Transforms.RANDOM_SCALE, 8).logits(x).toDoubleArray();
            assertThat(a).containsExactly(b);
            assertThat(a).isNotEqualTo(c);
            double s = 2 * new Random(7).nextDouble();
            assertThat(a).containsExactly(model.logits(x.mul(s)).toDoubleArray(), within(1e-12));
        }
    }
}
