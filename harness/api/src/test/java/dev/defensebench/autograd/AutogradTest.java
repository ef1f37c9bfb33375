package dev.defensebench.autograd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.List;
import org.junit.jupiter.api.Test;

class AutogradTest {

    @Test
    void firstAndSecondOrderGradientsOfACubicMatchTheClosedForm() {
        try (NDManager manager = NDManager.newBaseManager()) {
            double[] values = {0.5, -1.25, 2.0};
            NDArray x0 = manager.create(values);
            double[][] result =
                    Autograd.recording(
                            () -> {
                                NDArray x = Autograd.leaf(x0);
                                NDArray y = x.pow(3).sum(); // dy/dx = 3x^2, d/dx sum(3x^2) = 6x
                                NDArray g = Autograd.gradient(y, x, true);
                                NDArray h = Autograd.gradient(g.sum(), x, false);
                                return new double[][] {g.toDoubleArray(), h.toDoubleArray()};
                            });
            for (int i = 0; i < values.length; i++) {
                assertThat(result[0][i]).isCloseTo(3 * values[i] * values[i], within(1e-12));
                assertThat(result[1][i]).isCloseTo(6 * values[i], within(1e-12));
            }
        }
    }

    @Test
    void unusedInputsGetZerosAndGradModeIsRestored() {
        try (NDManager manager = NDManager.newBaseManager()) {
            boolean before = Autograd.isRecording();
            NDList grads =
                    Autograd.recording(
                            () -> {
                                NDArray a = Autograd.leaf(manager.create(new float[] {1f, 2f}));
                                NDArray b = Autograd.leaf(manager.ones(new ai.djl.ndarray.types.Shape(3)));
                                return Autograd.gradients(a.mul(a).sum(), List.of(a, b), false);
                            });
            assertThat(grads.get(0).toFloatArray()).containsExactly(2f, 4f);
            assertThat(grads.get(1).toFloatArray()).containsExactly(0f, 0f, 0f);
            assertThat(grads.get(1).getDataType()).isEqualTo(DataType.FLOAT32);
            assertThat(Autograd.isRecording()).isEqualTo(before);
        }
    }

    @Test
    void jacobianOfALinearMapIsItsMatrixForEverySample() {
        try (NDManager manager = NDManager.newBaseManager()) {
            double[][] w = {{1, 2, 3}, {-1, 0, 4}};
            NDArray weights = manager.create(w);
            NDArray x0 = manager.create(new double[][] {{0.5, 1, -2}, {3, -1, 0}});
            NDArray jac = Autograd.recording(() -> {
                NDArray x = Autograd.leaf(x0);
                return Autograd.jacobian(x.matMul(weights.transpose()).mul(2), x);
            });
            assertThat(jac.getShape()).isEqualTo(new ai.djl.ndarray.types.Shape(2, 2, 3));
            double[] values = jac.toDoubleArray();
            for (int k = 0; k < 2; k++) {
                for (int b = 0; b < 2; b++) {
                    for (int d = 0; d < 3; d++) {
                        assertThat(values[(k * 2 + b) * 3 + d]).isEqualTo(2 * w[k][d]);
                    }
                }
            }
        }
    }
}
