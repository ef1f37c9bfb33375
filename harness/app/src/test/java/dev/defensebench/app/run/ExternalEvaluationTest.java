package dev.defensebench.app.run;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.defensebench.app.config.AttackEntry;
import dev.defensebench.app.config.Plugins;
import dev.defensebench.report.ResultRow;
import dev.defensebench.report.SanityCheck;
import dev.defensebench.spi.Examples;
import dev.defensebench.testing.LinearClassifier;
import dev.defensebench.testing.NpyBytes;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * External evaluations end to end through the evaluator: a .npy written here holds, per test point, an
 * adversarial example found by a random sign search at ε = 0.3 (or the clean point where none was found),
 * with two planted invalid ones: one 0.45 away (misclassified, too far) and one 0.3 away but outside the box. Exactly
 * the valid ones count, the two invalid claims are reported, and the entry joins the worst case.
 */
class ExternalEvaluationTest {

    private static final int N = 40;
    private static final float EPS = 0.3f;

    private static float[] signs(Random random) {
        float[] s = new float[16];
        for (int j = 0; j < 16; j++) {
            s[j] = random.nextBoolean() ? 1 : -1;
        }
        return s;
    }

    /** The model's class of base + step·s (or, with step 0, of the first sample of {@code base}). */
    private static long predict(NDManager m, LinearClassifier model, float[] s, float base, float step) {
        float[] x = new float[16];
        for (int j = 0; j < 16; j++) {
            x[j] = step == 0 ? s[j] : base + step * s[j];
        }
        return model.predict(m.create(x, new Shape(1, 1, 4, 4))).toLongArray()[0];
    }

    @Test
    void validPointsCountInvalidOnesAreReported(@TempDir Path dir) throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            LinearClassifier model = ToyLinear.random(m, new Random(3));
            float[] inputs = new float[N * 16];
            java.util.Arrays.fill(inputs, 0.5f);
            long label = predict(m, model, inputs, 0, 0);
            float[] adversarial = inputs.clone();
            Random random = new Random(5);
            boolean[] found = new boolean[N];
            float[][] signs = new float[N][];
            for (int i = 0; i < N; i++) {
                for (int attempt = 0; attempt < 300 && !found[i]; attempt++) {
                    float[] s = signs(random);
                    if (i == 1) { // clean at 0.5 + 0.21 s (still the label), its example at 0.5 + 0.51 s: out of the box
                        found[i] = predict(m, model, s, 0.5f, 0.21f) == label && predict(m, model, s, 0.5f, 0.51f) != label;
                    } else {
                        found[i] = predict(m, model, s, 0.5f, EPS) != label;
                    }
                    signs[i] = found[i] ? s : null;
                }
                for (int j = 0; j < 16 && found[i]; j++) {
                    inputs[i * 16 + j] = i == 1 ? 0.5f + 0.21f * signs[i][j] : 0.5f;
                    adversarial[i * 16 + j] = 0.5f + (i == 1 ? 0.51f : EPS) * signs[i][j];
                }
            }
            Examples test = ToyLinear.labelled(model, m, inputs);
            int far = -1;
            for (int i = 2; i < N && far < 0; i++) {
                far = found[i] ? i : -1;
            }
            assertThat(found[1]).as("point 1 has an example outside the box").isTrue();
            assertThat(test.labels()[1]).isEqualTo((int) label);
            assertThat(far).as("a second point with an adversarial example").isPositive();
            // farther along the same direction: still misclassified (the logit gap is linear in the step), 0.45 > eps
            for (int j = 0; j < 16; j++) {
                adversarial[far * 16 + j] = 0.5f + 0.45f * signs[far][j];
            }
            int valid = -2; // point 1 (outside [0, 1]) and the far point do not count
            for (boolean f : found) {
                valid += f ? 1 : 0;
            }
            assertThat(valid).isGreaterThan(5);
            Path file = NpyBytes.write(dir.resolve("adversarial.npy"), new long[] {N, 1, 4, 4}, adversarial);
            List<AttackEntry> attacks = List.of(new AttackEntry("external", "Linf", List.of((double) EPS),
                    Map.of("path", file.toString()), 0L));
            Evaluation e = ToyLinear.evaluate(Plugins.discover(), model, m, test, attacks);
            assertThat(e.rows()).extracting(ResultRow::attack).containsExactly("clean", "external", WorstCase.ATTACK);
            assertThat(e.rows().get(1).robustAccuracy()).isEqualTo((double) (N - valid) / N);
            assertThat(e.rows().get(2).robustAccuracy()).isEqualTo((double) (N - valid) / N);
            assertThat(e.rows().get(2).attackParams()).contains("external");
            SanityCheck claims = e.sanity().stream().filter(c -> c.check().equals(SanityChecks.CLAIMS)).findFirst().orElseThrow();
            assertThat(claims.status()).isEqualTo(SanityCheck.Status.FAIL);
            assertThat(claims.detail()).contains("external Linf: 2 of " + (valid + 2));
        }
    }

    @Test
    void aMissingFileIsRefusedWhenTheExperimentLoads(@TempDir Path dir) throws Exception {
        Path yaml = java.nio.file.Files.writeString(dir.resolve("e.yaml"), String.join("\n",
                "name: e", "dataset: mnist", "test_size: 10", "models:", "  - name: vanilla", "    defense: vanilla",
                "    architectures: [mlp]", "attacks:", "  - attack: external", "    norm: Linf", "    epsilons: [0.3]",
                "    params:", "      path: " + dir.resolve("missing.npy"), ""));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new dev.defensebench.app.config.ExperimentLoader(
                Plugins.discover(), dev.defensebench.data.DatasetRegistry.standard().names()).load(yaml))
                .hasMessageContaining("attacks[0] 'external'").hasMessageContaining("missing.npy");
    }
}
