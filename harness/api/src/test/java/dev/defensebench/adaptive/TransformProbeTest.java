package dev.defensebench.adaptive;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.defensebench.spi.Classifier;
import org.junit.jupiter.api.Test;

/** The probe flags a rounding transform as non-differentiable, a random one as randomized, and a plain model as neither. */
class TransformProbeTest {

    private static TransformProbe probe(NDManager m, Classifier model) {
        NDArray x = Transforms.inputs(m);
        return TransformProbe.of(model, x, m.create(new long[] {0, 2}));
    }

    @Test
    void plainModelIsNeither() {
        try (NDManager m = NDManager.newBaseManager()) {
            TransformProbe p = probe(m, Transforms.linear(m));
            assertThat(p.zeroGradientFraction()).isZero();
            assertThat(p.logitChange()).isZero();
            assertThat(p.nonDifferentiable()).isFalse();
            assertThat(p.randomized()).isFalse();
        }
    }

    @Test
    void roundingIsNonDifferentiableAndDeterministic() {
        try (NDManager m = NDManager.newBaseManager()) {
            TransformProbe p = probe(m, new TransformedClassifier(Transforms.linear(m), Transforms.QUARTERS_WITH_SQUARE, 1));
            assertThat(p.zeroGradientFraction()).isEqualTo(1.0);
            assertThat(p.nonDifferentiable()).isTrue();
            assertThat(p.randomized()).isFalse();
            assertThat(p.describe()).contains("non-differentiable", "deterministic");
        }
    }

    @Test
    void itsBpdaFormIsDifferentiable() {
        try (NDManager m = NDManager.newBaseManager()) {
            TransformProbe p = probe(m,
                    new TransformedClassifier(Transforms.linear(m), Transforms.QUARTERS_WITH_SQUARE, 1).bpda());
            assertThat(p.nonDifferentiable()).isFalse();
        }
    }

    @Test
    void randomScaleIsRandomizedAndDifferentiable() {
        try (NDManager m = NDManager.newBaseManager()) {
            TransformProbe p = probe(m, new TransformedClassifier(Transforms.linear(m), Transforms.RANDOM_SCALE, 5));
            assertThat(p.randomized()).isTrue();
            assertThat(p.logitChange()).isGreaterThan(TransformProbe.RANDOMIZED_TOLERANCE);
            assertThat(p.nonDifferentiable()).isFalse();
            assertThat(p.describe()).contains("randomized");
        }
    }
}
