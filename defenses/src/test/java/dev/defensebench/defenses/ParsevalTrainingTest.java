package dev.defensebench.defenses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.defensebench.spi.TrainedModel;
import dev.defensebench.testing.TinyNets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ParsevalTrainingTest {

    @Test
    void powerIterationFindsTheLargestSingularValue() {
        try (NDManager m = NDManager.newBaseManager()) {
            // diag(3, 2, 0.5) rotated on both sides keeps its singular values: σ_max = 3
            NDArray q = m.create(new double[] {0.6, 0.8, 0, -0.8, 0.6, 0, 0, 0, 1}, new Shape(3, 3));
            NDArray d = m.create(new double[] {3, 0, 0, 0, 2, 0, 0, 0, 0.5}, new Shape(3, 3));
            NDArray w = q.matMul(d).matMul(q.transpose());
            assertThat(SpectralNorm.of(w, 200, new Random(1))).isCloseTo(3.0, within(1e-6));
        }
    }

    @Test
    void retractionLowersTheOrthogonalityGapAndBringsSpectralNormsToOne() {
        try (NDManager m = NDManager.newBaseManager()) {
            Block net = TinyNets.initialise(TinyNets.conv(4), m, DataType.FLOAT32, new Shape(1, 8, 8), 5);
            List<Pair<String, Parameter>> weights = ParsevalTraining.weightMatrices(net);
            assertThat(weights).hasSize(2); // the conv kernel (3, 1, 3, 3) and the linear weight (4, 27)
            for (Pair<String, Parameter> p : weights) {
                p.getValue().getArray().muli(2f); // start far from a tight frame: σ_max well above 1
            }
            double[] gap = new double[weights.size()];
            double[] sigma = new double[weights.size()];
            for (int i = 0; i < gap.length; i++) {
                gap[i] = ParsevalTraining.orthogonalityGap(weights.get(i).getValue().getArray());
                sigma[i] = SpectralNorm.of(weights.get(i).getValue().getArray(), 100, new Random(2));
                assertThat(sigma[i]).isGreaterThan(1.2);
            }
            var hook = ParsevalTraining.retraction(new ParsevalTraining.Settings(0.05, 0.5), new Random(3));
            for (int round = 0; round < 4; round++) {
                for (int step = 0; step < 150; step++) {
                    hook.apply(net);
                }
                for (int i = 0; i < gap.length; i++) {
                    NDArray w = weights.get(i).getValue().getArray();
                    double g = ParsevalTraining.orthogonalityGap(w);
                    assertThat(g).as("gap of %s after round %d", weights.get(i).getKey(), round).isLessThan(gap[i]);
                    gap[i] = g;
                    sigma[i] = SpectralNorm.of(w, 100, new Random(2));
                }
            }
            for (double s : sigma) {
                assertThat(s).isLessThanOrEqualTo(1.01);
            }
        }
    }

    @Test
    void retractionTouchesOnlyTheSampledRows() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(9);
            NDArray w = m.randomNormal(new Shape(5, 7));
            float[] before = w.toFloatArray();
            ParsevalTraining.retract(w, 0.1, new int[] {1, 3});
            float[] after = w.toFloatArray();
            for (int r = 0; r < 5; r++) {
                boolean changed = false;
                for (int c = 0; c < 7; c++) {
                    changed |= before[r * 7 + c] != after[r * 7 + c];
                }
                assertThat(changed).as("row %d changed", r).isEqualTo(r == 1 || r == 3);
            }
            // the sampled rows follow W_S ← (1+β)W_S − β W_S W_Sᵀ W_S exactly
            NDArray ws = m.create(before, new Shape(5, 7)).get("1:4:2");
            NDArray expected = ws.mul(1.1f).sub(ws.matMul(ws.transpose()).matMul(ws).mul(0.1f));
            assertThat(w.get("1:4:2").sub(expected).abs().max().getFloat()).isLessThan(1e-5f);
        }
    }

    @Test
    void trainingKeepsAccuracyAndLowersSpectralNormsComparedWithVanilla() {
        ParsevalTraining parseval = new ParsevalTraining();
        Vanilla vanilla = new Vanilla();
        var data = Blobs.make(256, 1);
        Map<String, Object> sgd = Map.of("epochs", 8, "batch_size", 32, "lr", 0.05);
        Map<String, Object> params = new java.util.HashMap<>(sgd);
        params.put("beta", 0.01);
        params.put("row_fraction", 0.5);
        try (TrainedModel plain = vanilla.train(Blobs.request(vanilla, data, sgd, 0));
                TrainedModel model = parseval.train(Blobs.request(parseval, data, params, 0))) {
            assertThat(model.metrics().get("train_accuracy")).isGreaterThan(0.9);
            List<Pair<String, Parameter>> weights = ParsevalTraining.weightMatrices(model.block());
            List<Pair<String, Parameter>> plainWeights = ParsevalTraining.weightMatrices(plain.block());
            assertThat(weights).hasSize(3);
            for (int i = 0; i < weights.size(); i++) {
                String key = "spectral_norm/" + weights.get(i).getKey();
                assertThat(model.notes()).containsKey(key);
                double sigma = (Double) model.notes().get(key);
                double plainSigma = SpectralNorm.of(plainWeights.get(i).getValue().getArray(), 100, new Random(0));
                // same seed, data order and steps: without the retraction the two would be identical
                assertThat(sigma).as(key).isLessThan(plainSigma);
            }
        }
    }
}
