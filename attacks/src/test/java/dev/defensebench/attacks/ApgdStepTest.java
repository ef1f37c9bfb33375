package dev.defensebench.attacks;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.defensebench.spi.Norm;
import org.junit.jupiter.api.Test;

/**
 * {@link ApgdStep}'s fused update equals the original APGD's update (auto-attack's {@code autopgd_base.py}) written
 * out operation by operation: the step along sign(g) or g/‖g‖₂, the projection onto the ε-ball within the box, the
 * momentum step and its projection; in float64 to 1e-12, on points where the box and the ball both bind. The ℓ∞
 * update writes into arrays of its own, never into its inputs.
 */
class ApgdStepTest {

    private static final Shape SHAPE = new Shape(6, 2, 3, 3);
    private static final double A = 0.75;

    @Test
    void linfStepIsTheOriginalsUpdate() {
        try (NDManager m = NDManager.newBaseManager()) {
            Points p = Points.draw(m);
            double eps = 0.1;
            NDArray low = p.clean.sub(eps).maximum(0.0), high = p.clean.add(eps).minimum(1.0);
            for (boolean first : new boolean[] {true, false}) {
                NDArray z = p.x.add(p.gradient.sign().mul(p.step)).maximum(low).minimum(high);
                NDArray expected = first ? z
                        : p.x.add(z.sub(p.x).mul(A)).add(p.x.sub(p.previous).mul(1 - A)).maximum(low).minimum(high);
                NDArray[] inputs = {p.x, p.previous, p.gradient, p.step, low, high};
                NDArray[] before = java.util.Arrays.stream(inputs).map(NDArray::duplicate).toArray(NDArray[]::new);
                NDArray fused = ApgdStep.linf(p.x, p.previous, p.gradient, p.step, low, high, A, first);
                assertClose(fused, expected, "linf, first " + first);
                for (int i = 0; i < inputs.length; i++) {
                    assertThat(inputs[i].contentEquals(before[i])).as("linf leaves its input " + i + " as it was").isTrue();
                }
                assertThat(fused.eq(high).sum().getLong()).as("the ball's bound binds somewhere").isPositive();
            }
        }
    }

    @Test
    void l2StepIsTheOriginalsUpdate() {
        try (NDManager m = NDManager.newBaseManager()) {
            Points p = Points.draw(m);
            double eps = 0.5;
            NDArray low = m.zeros(new Shape(1, 2, 3, 3), DataType.FLOAT64), high = low.add(1.0);
            for (boolean first : new boolean[] {true, false}) {
                NDArray norms = Norm.L2.perSample(p.gradient).add(1e-12).reshape(6, 1, 1, 1);
                NDArray z = project(p.clean, p.x.add(p.gradient.div(norms).mul(p.step)), eps);
                NDArray expected = first ? z : project(p.clean, p.x.add(z.sub(p.x).mul(A)).add(p.x.sub(p.previous).mul(1 - A)), eps);
                NDArray fused = ApgdStep.l2(p.clean, p.x, p.previous, p.gradient, p.step, low, high, eps, A, first);
                assertClose(fused, expected, "l2, first " + first);
                assertThat(Norm.L2.perSample(fused.sub(p.clean)).max().getDouble()).as("within the ball").isLessThan(eps + 1e-9);
                assertThat(fused.eq(0.0).sum().getLong() + fused.eq(1.0).sum().getLong()).as("the box binds somewhere")
                        .isPositive();
            }
        }
    }

    /** The original's ℓ2 projection: clean + δ/(‖δ‖ + 1e-12)·min(ε, ‖δ‖), clamped to [0, 1]. */
    private static NDArray project(NDArray clean, NDArray point, double eps) {
        NDArray delta = point.sub(clean);
        NDArray norms = Norm.L2.perSample(delta).reshape(6, 1, 1, 1);
        return clean.add(delta.div(norms.add(1e-12)).mul(norms.minimum(eps))).clip(0.0, 1.0);
    }

    private static void assertClose(NDArray actual, NDArray expected, String what) {
        assertThat(actual.getShape()).isEqualTo(expected.getShape());
        assertThat(actual.sub(expected).abs().max().getDouble()).as(what).isLessThan(1e-12);
    }

    /** A clean batch in [0, 1], an iterate near it, the previous iterate, a gradient and per-sample step sizes. */
    private record Points(NDArray clean, NDArray x, NDArray previous, NDArray gradient, NDArray step) {
        static Points draw(NDManager m) {
            m.getEngine().setRandomSeed(3);
            NDArray clean = m.randomUniform(0, 1, SHAPE, DataType.FLOAT64);
            NDArray x = clean.add(m.randomUniform(-0.2f, 0.2f, SHAPE, DataType.FLOAT64)).clip(0.0, 1.0);
            NDArray previous = clean.add(m.randomUniform(-0.2f, 0.2f, SHAPE, DataType.FLOAT64)).clip(0.0, 1.0);
            NDArray gradient = m.randomNormal(0, 1, SHAPE, DataType.FLOAT64);
            NDArray step = m.create(new double[] {0.2, 0.1, 0.05, 0.4, 0.2, 0.025}).reshape(6, 1, 1, 1);
            return new Points(clean, x, previous, gradient, step);
        }
    }
}
