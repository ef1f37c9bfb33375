package dev.defensebench.attacks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.defensebench.spi.AttackResult;
import dev.defensebench.spi.Hyperparameters;
import dev.defensebench.spi.InputBox;
import dev.defensebench.spi.Norm;
import dev.defensebench.spi.ThreatModel;
import dev.defensebench.testing.LinearClassifier;
import dev.defensebench.testing.NpyBytes;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The external attack hands back row first + i of its file for the batch's point i, claims the rows the
 * model misclassifies, and refuses a missing file, another sample shape and too few rows with messages
 * naming the file.
 */
class ExternalExamplesTest {

    private static final Shape SAMPLE = new Shape(2);

    /** z = (x0 − x1, x1 − x0): class 0 when x0 > x1. */
    private static LinearClassifier model(NDManager m) {
        return new LinearClassifier(m.create(new float[][] {{1, -1}, {-1, 1}}), m.zeros(new Shape(2)),
                InputBox.uniform(0, 1, SAMPLE));
    }

    private static Hyperparameters params(ExternalExamples attack, Path file) {
        return Hyperparameters.resolve("external", attack.parameters(), Map.of("path", file.toString()));
    }

    @Test
    void returnsTheRowsAtTheBatchPositionsAndClaimsTheMisclassified(@TempDir Path dir) throws Exception {
        // rows: (0.9, 0.1) class 0, (0.1, 0.9) class 1, (0.6, 0.4) class 0, (0.4, 0.6) class 1
        Path file = NpyBytes.write(dir.resolve("adv.npy"), new long[] {4, 2}, new float[] {0.9f, 0.1f, 0.1f, 0.9f, 0.6f, 0.4f,
                0.4f, 0.6f});
        ExternalExamples attack = new ExternalExamples();
        attack.validate(params(attack, file));
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {0.55f, 0.45f, 0.55f, 0.45f}, new Shape(2, 2));
            NDArray y = m.create(new long[] {0, 0});
            AttackResult r = attack.runAt(model(m), x, y, 2, new ThreatModel(Norm.LINF, List.of(0.1, 0.2)),
                    params(attack, file), 0);
            assertThat(r.outcomes()).hasSize(2);
            for (var o : r.outcomes()) {
                assertThat(o.adversarial().toFloatArray()).containsExactly(0.6f, 0.4f, 0.4f, 0.6f);
                assertThat(o.success()).containsExactly(false, true);
            }
            AttackResult atZero = attack.run(model(m), x, y, new ThreatModel(Norm.LINF, List.of(0.1)), params(attack, file), 0);
            assertThat(atZero.outcomes().get(0).adversarial().toFloatArray()).containsExactly(0.9f, 0.1f, 0.1f, 0.9f);
        }
    }

    @Test
    void refusesBadFilesNamingThem(@TempDir Path dir) throws Exception {
        ExternalExamples attack = new ExternalExamples();
        Path missing = dir.resolve("missing.npy");
        assertThatThrownBy(() -> attack.validate(params(attack, missing))).hasMessageContaining("missing.npy");
        assertThatThrownBy(() -> attack.validate(Hyperparameters.resolve("external", attack.parameters(), Map.of())))
                .hasMessageContaining("'path' must name");
        Path three = NpyBytes.write(dir.resolve("three.npy"), new long[] {2, 3}, new float[6]);
        Path one = NpyBytes.write(dir.resolve("one.npy"), new long[] {1, 2}, new float[2]);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.zeros(new Shape(2, 2));
            NDArray y = m.create(new long[] {0, 1});
            ThreatModel threat = new ThreatModel(Norm.L2, List.of(0.5));
            assertThatThrownBy(() -> attack.runAt(model(m), x, y, 0, threat, params(attack, three), 0))
                    .hasMessageContaining("three.npy").hasMessageContaining("[3]").hasMessageContaining("[2]");
            assertThatThrownBy(() -> attack.runAt(model(m), x, y, 0, threat, params(attack, one), 0))
                    .hasMessageContaining("one.npy holds 1 examples").hasMessageContaining("'test_size' to at most 1");
        }
    }
}
