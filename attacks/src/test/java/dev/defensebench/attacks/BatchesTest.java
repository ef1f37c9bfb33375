package dev.defensebench.attacks;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/** {@link Batches#array} copies the values into a new native array of the shape, owned by the manager. */
class BatchesTest {

    @Test
    void arrayHoldsACopyOfTheValues() {
        try (NDManager m = NDManager.newBaseManager()) {
            double[] values = {0.5, -1.25, 3, 1e-300, Double.MAX_VALUE, -0.0};
            NDArray a = Batches.array(m, values, new Shape(2, 3));
            NDArray b = Batches.array(m, new double[] {1, 2, 3, 4, 5, 6}, new Shape(3, 2));
            values[0] = 7;
            assertThat(a.getShape()).isEqualTo(new Shape(2, 3));
            assertThat(a.getDataType()).isEqualTo(DataType.FLOAT64);
            assertThat(a.toDoubleArray()).containsExactly(0.5, -1.25, 3, 1e-300, Double.MAX_VALUE, -0.0);
            assertThat(b.toDoubleArray()).containsExactly(1, 2, 3, 4, 5, 6);
            assertThat(a.add(1).toDoubleArray()[1]).isEqualTo(-0.25);
        }
    }
}
